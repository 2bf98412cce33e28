/**
 * @module What an edge knows of one file's stream: head position, ring, chain, subscribers.
 *
 * Entries arrive in stream order (edge-reader.ts) and are applied synchronously: the position
 * moves and subscribers get the event in the same tick, so subscribe + position() hands over
 * without a gap, as with a FileSource. A broken p-chain resets the ring (nothing before a hole
 * may be resumed across it) and is told to subscribers as a gap.
 *
 * Backpressure as the follower's: a listener that returns a promise holds its event. While
 * listeners hold maxInFlight events, entries already read wait in a backlog (one XREAD reply at
 * most, see edge-reader.ts) and nothing more is read: the data waits in the stream.
 */
import { fingerprint, formatCursor } from '../core/cursor.js'
import { ListenerCredit } from '../core/listener-credit.js'
import type { Position, SourceListener } from '../core/log-source.js'
import type { FollowEvent } from '../core/types.js'
import { entryEvent, gapEvent } from './edge-events.js'
import { EntryRing } from './edge-ring.js'
import { headAfter, offsetOf, type Entry } from './entry.js'
import { parseId } from './keys.js'

const EMPTY: Position = {
  gen: 0,
  offset: 0,
  cursor: formatCursor(0, fingerprint(new Uint8Array(0), new Uint8Array(0))),
}

export type ReaderState = 'syncing' | 'live' | 'down' | 'closed'

export class EdgeStats {
  entries = 0
  gaps = 0
  /** Watcher clock of the newest entry applied (ms). */
  lastWatcherTime = 0
  lastId = '0-0'
  reader: ReaderState = 'syncing'
  lastError: string | null = null
}

export abstract class EdgeState {
  readonly stats = new EdgeStats()
  readonly ring: EntryRing
  protected head: Position = EMPTY
  /** `c` of the newest entry applied; null until the stream has been read once. */
  private lastC: string | null = null
  /** Events listeners may hold before applying stops (the follower's maxInFlight). */
  readonly listeners: ListenerCredit
  /** Entries read but not applied yet, oldest first. */
  private backlog: readonly Entry[] = []

  constructor(
    readonly path: string,
    ring: { entries?: number; bytes?: number } = {},
    maxInFlight = 4
  ) {
    this.ring = new EntryRing(ring.entries, ring.bytes)
    this.listeners = new ListenerCredit(maxInFlight, (err) => {
      this.stats.lastError = `ELISTENER: ${(err as Error)?.message ?? String(err)}`
    })
  }

  get lastId(): string {
    return this.stats.lastId
  }

  subscribe(listener: SourceListener): () => void {
    return this.listeners.add(listener)
  }

  position(): Position {
    return { ...this.head }
  }

  /** Initial state from the newest entries (newest first), before live reading starts. */
  seed(newest: readonly Entry[]): void {
    const top = newest[0]
    if (!top) return
    const epoch = parseId(top.id).epoch
    this.ring.reset(epoch)
    const current: Entry[] = []
    for (const e of newest) {
      if (parseId(e.id).epoch !== epoch) break
      if (e.t !== 'prev') current.push(e)
    }
    for (const e of current.reverse()) this.ring.push(e)
    this.setHead(epoch, headAfter(top))
    this.lastC = top.c
    this.stats.lastId = top.id
    this.stats.lastWatcherTime = top.w
  }

  /** Reads the stream again from its start; the broken chain is reported as a gap. */
  rewind(): void {
    this.backlog = []
    this.stats.lastId = '0-0'
  }

  /** Entries read but held back until listeners settle. */
  get held(): number {
    return this.backlog.length
  }

  /**
   * Applies entries read live (after any still held), in stream order, emitting their events
   * synchronously, until listeners hold maxInFlight events; the rest waits for apply([]).
   */
  apply(entries: readonly Entry[] = []): void {
    const all = this.backlog.length ? [...this.backlog, ...entries] : entries
    let i = 0
    while (i < all.length && !this.listeners.full) this.applyOne(all[i++] as Entry)
    this.backlog = i < all.length ? all.slice(i) : []
  }

  private applyOne(e: Entry): void {
    const epoch = parseId(e.id).epoch
    const gap = this.lastC !== null && e.p !== this.lastC && e.t !== 'reset'
    this.lastC = e.c
    this.stats.lastId = e.id
    this.stats.lastWatcherTime = e.w
    this.stats.entries++
    if (gap) {
      this.stats.gaps++
      this.ring.reset(epoch)
      const from = this.head.cursor
      const at = e.t === 'lines' && e.q ? e.q : headAfter(e)
      this.setHead(epoch, at)
      this.emit(gapEvent(from, at))
    }
    if (e.t !== 'prev') {
      if (epoch !== this.ring.epoch) this.ring.reset(epoch)
      this.ring.push(e)
      this.setHead(epoch, e.c)
    }
    const ev = entryEvent(e, this.path)
    if (ev) this.emit(ev)
  }

  private setHead(epoch: number, cursor: string): void {
    this.head = { gen: epoch, offset: offsetOf(cursor), cursor }
  }

  private emit(e: FollowEvent): void {
    this.listeners.emit(e)
  }
}
