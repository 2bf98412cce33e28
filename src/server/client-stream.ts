/**
 * @module One SSE client: its writes, its queue while catching up, its lag, drop and end.
 *
 * A live client is written every flush. A catching-up client queues flushes (bounded) while it
 * reads history from the file; when the queue passes its bound it is emptied instead of growing,
 * and the catch-up simply reads further from the file (the file is the buffer). A live client
 * that falls too far behind is dropped and resumes by cursor, unless it asked to skip ahead.
 */
import { SkipAhead } from './skip-ahead.js'
import type { SseSink } from './sink.js'
import { concat, encodeEvent, HEARTBEAT } from './sse-frame.js'
import type { Flush, StreamHub } from './stream-hub.js'

export class ClientStream {
  /** Live clients get every flush; others queue flushes until their catch-up has been written. */
  live = false
  closed = false
  /** The id of the last event handed to the sink (what the client resumes from). */
  lastId = ''
  /** Where the lines after those sent continue: lastId, or the start of a file after a marker. */
  at = ''
  /** The queue passed its bound while catching up and was emptied: read on from the file. */
  overflowed = false
  /** The number of the last flush this client was given (fan-out.ts). */
  given = 0
  readonly skip: SkipAhead | null
  #queue: Uint8Array[] = []
  #queued = 0
  #lagSince = 0
  #lastWrite: number
  #wake: (() => void) | null = null

  constructor(
    readonly hub: StreamHub,
    readonly sink: SseSink,
    skipBytes?: number
  ) {
    this.#lastWrite = hub.now()
    this.skip = skipBytes === undefined ? null : new SkipAhead(this, hub, skipBytes)
    sink.onClose(() => this.#remove())
    sink.onBehind?.(() => {
      if (this.#lagSince === 0) this.#lagSince = this.#lastWrite
    })
    sink.onDrain(() => {
      this.#lagSince = 0
      this.#wake?.()
      this.skip?.check()
      if (this.paces) hub.paced(this.hasRoom)
    })
  }

  /** Whether the reader waits for this client: live, and not skipping. */
  get paces(): boolean {
    return this.live && !this.closed && !this.skip?.skipping
  }

  get hasRoom(): boolean {
    return this.sink.bufferedBytes < this.hub.opts.lowWaterBytes
  }

  /** Writes to the client, dropping it instead if it is too far behind. */
  send(bytes: Uint8Array, lines: number, id?: string, at = id): void {
    if (this.closed) return
    if (this.sink.bufferedBytes > this.hub.opts.maxQueueBytes) return this.drop('queue')
    if (id !== undefined) this.lastId = id
    if (at !== undefined) this.at = at
    this.#lastWrite = this.hub.now()
    this.hub.metrics.bytesSent += bytes.byteLength
    this.hub.metrics.linesSent += lines
    if (!this.sink.write(bytes) && this.#lagSince === 0) this.#lagSince = this.#lastWrite
  }

  /** One flush of the broadcaster. */
  deliver(f: Flush): void {
    if (this.closed) return
    if (!this.live) return this.#enqueue(f.payload)
    if (this.skip?.onFlush(f)) return
    this.send(f.payload, f.lines, f.headId, f.headAt)
  }

  /** Starts (or restarts) a hand-over: flushes from now on are queued until goLive. */
  catchingUp(): void {
    this.live = false
    this.#queue = []
    this.#queued = 0
    this.overflowed = false
  }

  /** Turns a catching-up client live: its queued flushes go out in one write. */
  goLive(): void {
    if (this.closed) return
    const q = this.#queue
    this.#queue = []
    this.#queued = 0
    this.live = true
    if (q.length) this.send(concat(q), 0, this.hub.headId, this.hub.headAt)
    this.hub.paced(this.hasRoom)
  }

  /** Resolves once the client has drained what it was sent (or is gone). */
  drained(): Promise<void> {
    if (this.#lagSince === 0 || this.closed) return Promise.resolve()
    return new Promise<void>((r) => (this.#wake = r)).finally(() => (this.#wake = null))
  }

  drop(reason: 'queue' | 'drain'): void {
    if (this.closed) return
    this.hub.metrics.dropped[reason]++
    const queuedBytes = this.sink.bufferedBytes + this.#queued
    // The event goes past the bound on purpose: a slow reader still learns why it was cut off.
    // No id when this client was sent nothing yet: its browser then resumes from the cursor it
    // came with (EventSource keeps its last id), or starts afresh; never from our head, which
    // would skip what it had not been sent.
    this.sink.write(encodeEvent('dropped', { reason, queuedBytes }, this.lastId || undefined))
    this.end()
  }

  /** Ends the stream; destroys it if it does not flush within closeGraceMs. */
  end(): void {
    if (this.closed) return
    this.#remove()
    this.sink.close()
    const t = setTimeout(() => this.sink.destroy(), this.hub.opts.closeGraceMs)
    ;(t as { unref?: () => void }).unref?.()
  }

  /** Periodic check: drain timeout, heartbeat, a skip that waits for its moment. */
  sweep(now: number): void {
    if (this.#lagSince !== 0 && now - this.#lagSince > this.hub.opts.drainTimeoutMs) {
      return this.drop('drain')
    }
    this.skip?.poll(this.live)
    if (now - this.#lastWrite >= this.hub.opts.heartbeatMs && this.live) this.send(HEARTBEAT, 0)
  }

  #enqueue(payload: Uint8Array): void {
    if (this.overflowed) return
    this.#queue.push(payload)
    this.#queued += payload.byteLength
    // Half the bound: going live writes the queue at once, and must leave the client room.
    if (this.#queued <= this.hub.opts.maxQueueBytes / 2) return
    this.#queue = []
    this.#queued = 0
    this.overflowed = true
  }

  #remove(): void {
    if (this.closed) return
    this.closed = true
    this.#queue = []
    this.#wake?.()
    this.skip?.close()
    this.hub.removed(this)
  }
}
