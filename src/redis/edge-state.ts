/**
 * @module What an edge knows of one file's stream: head position, ring, chain, subscribers.
 *
 * Entries arrive in stream order (edge-reader.ts) and are applied synchronously: the position
 * moves and subscribers get the event in the same tick, so subscribe + position() hands over
 * without a gap, as with a FileSource. A broken p-chain resets the ring (nothing before a hole
 * may be resumed across it) and is told to subscribers as a gap.
 */
import { fingerprint, formatCursor } from '../core/cursor.js'
import type { Position } from '../core/log-source.js'
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
  private readonly listeners = new Set<(e: FollowEvent) => void>()

  constructor(
    readonly path: string,
    ring: { entries?: number; bytes?: number } = {}
  ) {
    this.ring = new EntryRing(ring.entries, ring.bytes)
  }

  get lastId(): string {
    return this.stats.lastId
  }

  subscribe(listener: (e: FollowEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
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
    this.stats.lastId = '0-0'
  }

  /** Applies entries read live, in stream order; emits their events synchronously. */
  apply(entries: readonly Entry[]): void {
    for (const e of entries) {
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
  }

  private setHead(epoch: number, cursor: string): void {
    this.head = { gen: epoch, offset: offsetOf(cursor), cursor }
  }

  private emit(e: FollowEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e)
      } catch (err) {
        this.stats.lastError = `ELISTENER: ${(err as Error)?.message ?? String(err)}`
      }
    }
  }
}
