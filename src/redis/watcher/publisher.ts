/**
 * @module FilePublisher: the watcher side of one file. Follower events become stream entries.
 *
 * Only the lease holder publishes (lease.ts); a standby follows the file and holds nothing.
 * On election the publisher starts from a position taken in that tick and first works out
 * where the stream continues (recover.ts: the newest entry in Redis or in this process's
 * memory, whichever is newer, then the file up to the position): a takeover continues the
 * stream exactly, nothing lost and nothing twice. One loop per file does everything in order:
 * recover, number the held events, append them in pipelined batches. Redis being away never
 * stops the follower: events are held up to a bound; past it the held copies are dropped and
 * recovery later reads those lines back from the file. Ids are deterministic, so a retry
 * never doubles an entry.
 */
import type { LogSource, Position } from '../../core/log-source.js'
import type { FollowEvent } from '../../core/types.js'
import { appendAll, errorText, readTop } from '../commands.js'
import type { RedisConn } from '../conn.js'
import { lineFingerprints } from './fingerprints.js'
import { isPublished, PublishBuffer, PublishedTail } from './held.js'
import { Lease } from './lease.js'
import { EntryBuilder } from './numbering.js'
import { PublisherStats, resolvePublisherOptions, type PublisherOptions } from './options.js'
import { recoverEntries } from './recover.js'
import { RetryLoop, sleep, type StepResult } from './retry-loop.js'

export class FilePublisher {
  readonly stats = new PublisherStats()
  readonly lease: Lease
  private readonly o: ReturnType<typeof resolvePublisherOptions>
  private readonly key: string
  private readonly builder: EntryBuilder
  private readonly buf: PublishBuffer
  private readonly tail: PublishedTail
  /** Set while the stream's continuation must be worked out (election, dropped buffer). */
  private baseline: Position | null = null
  private seenReconnects = 0
  /** The position at start: a stream begun by this process has the file up to here as seed. */
  private seedUntil: Position | null
  private readonly unsubscribe: () => void
  private readonly loop: RetryLoop

  constructor(
    readonly source: LogSource,
    readonly conn: RedisConn,
    options: PublisherOptions = {}
  ) {
    this.o = resolvePublisherOptions(options)
    const keys = this.o.keys
    this.key = keys.stream(source.id)
    this.builder = new EntryBuilder(this.o.now)
    this.tail = new PublishedTail(this.o.reseedEntries)
    this.buf = new PublishBuffer(this.o.maxBufferEntries, this.o.maxBufferBytes)
    this.seedUntil = source.position()
    this.unsubscribe = source.subscribe((e) => this.onEvent(e))
    const leaseKeys = { lease: keys.lease(source.id), epoch: keys.epoch(source.id) }
    this.lease = new Lease(conn, leaseKeys, (leader) => this.onLeader(leader), this.o.lease)
    const onError = (err: unknown) => {
      this.stats.lastError = errorText(err)
      if ((err as { code?: string }).code === 'E_SEQ_ORDER') this.rebase()
    }
    this.loop = new RetryLoop(() => this.step(), onError, this.o.maxBackoffMs, conn.pause)
  }

  get held(): { entries: number; bytes: number } {
    return { entries: this.buf.entries + (this.baseline ? 1 : 0), bytes: this.buf.bytes }
  }

  /** Stops; with `flushMs` > 0 first tries that long to publish what is held (and re-read). */
  async close(flushMs = 0): Promise<void> {
    for (const end = this.o.now() + flushMs; this.held.entries > 0 && this.o.now() < end;)
      await sleep(10)
    this.unsubscribe()
    await this.loop.stop()
    await this.lease.close()
  }

  private onLeader(leader: boolean): void {
    this.buf.clear()
    // Same tick as the subscription's deliveries: every event from here on starts at or after
    // this position, and recovery reads the file up to it.
    this.baseline = leader ? this.source.position() : null
    this.seenReconnects = -1 // check what Redis lacks before the first append
    this.loop.kick()
  }

  private onEvent(e: FollowEvent): void {
    if (!this.lease.leader || !isPublished(e)) return // state only: the heartbeat carries it
    if (!this.buf.add(e, this.o.now())) this.rebase()
    this.loop.kick()
  }

  /** Drops everything held and notes the position: recovery re-reads it from the file. */
  private rebase(): void {
    this.buf.clear()
    this.baseline = this.source.position()
    this.stats.rebases++
  }

  private step(): Promise<StepResult> {
    if (!this.lease.leader) return Promise.resolve('idle')
    // Sending first: recovery reads its next chunk only once the previous one is in Redis.
    if (this.buf.outq.length) return this.send()
    if (this.baseline) return this.recover(this.baseline)
    if (this.buf.inbox.length) return this.convert()
    return Promise.resolve('idle')
  }

  private async recover(baseline: Position): Promise<boolean> {
    if (this.conn.state !== 'ready') return false
    const gen = this.buf.generation
    const { entries, done } = await recoverEntries({
      client: this.conn.client,
      key: this.key,
      source: this.source,
      builder: this.builder,
      published: this.tail.newest,
      baseline,
      seedUntil: this.seedUntil,
      pageBytes: this.o.pageBytes,
      chunkBytes: this.o.maxBufferBytes / 4,
      now: this.o.now,
    })
    if (gen !== this.buf.generation) return true // dropped meanwhile: recover again
    if (done) [this.baseline, this.seedUntil] = [null, null]
    if (entries.some((e) => e.type === 'reset')) this.stats.resets++
    for (const e of entries) this.buf.hold(e)
    return true
  }

  private async convert(): Promise<boolean> {
    const gen = this.buf.generation
    for (let h = this.buf.inbox[0]; h; h = this.buf.inbox[0]) {
      const { e, at } = h
      if (e.type !== 'lines') {
        this.buf.numbered([this.builder.marker(e, at)])
        continue
      }
      const fps = e.previous
        ? e.lines.map(() => '')
        : await lineFingerprints(this.source, e.lines, e.end, e.cursor)
      if (gen !== this.buf.generation) break
      this.buf.numbered(this.builder.lines(e, fps, at))
    }
    return true
  }

  private async send(): Promise<boolean> {
    if (this.conn.state !== 'ready') return false
    const gen = this.buf.generation
    if (this.conn.reconnects !== this.seenReconnects) await this.reseed()
    const batch = this.buf.outq.slice(0, this.o.batch)
    const fence = { key: this.o.keys.epoch(this.source.id), epoch: this.lease.epoch }
    const r = await appendAll(this.conn.client, this.key, this.o.maxLen, fence, batch)
    for (const e of batch.slice(0, r.sent)) this.tail.add(e)
    this.stats.published += r.sent
    this.stats.lastId = this.tail.newest?.id ?? ''
    this.stats.skipped += r.skipped
    if (gen === this.buf.generation) this.buf.sent(r.sent)
    if (r.error) this.stats.lastError = r.error
    if (r.fenced) {
      this.stats.fenced++
      this.lease.lost() // steps down: drops what is held, the new leader re-reads the file
    }
    return r.error === null
  }

  /** After a reconnect or an election: put back what Redis lost of our newest entries. */
  private async reseed(): Promise<void> {
    const top = await readTop(this.conn.client, this.key)
    this.seenReconnects = this.conn.reconnects
    const lost = this.tail.lost(top?.id ?? null)
    for (const e of lost.reverse()) this.buf.hold(e, true)
    this.stats.reseeded += lost.length
  }
}
