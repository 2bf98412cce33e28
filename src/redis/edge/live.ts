/**
 * @module What an edge knows of one file's stream: head position, ring, chain, subscribers,
 * and how entries become the follower events the HTTP app already understands.
 *
 * Entries arrive in stream order (reader.ts) and are applied synchronously: the position moves
 * and subscribers get the event in the same tick, so subscribe + position() hands over without
 * a gap, as with a FileSource. A broken chain resets the ring (nothing before a hole may be
 * resumed across it) and is told to subscribers as a `truncated` event with reason 'gap'. One
 * break is not a hole: after a Redis failover the watcher re-publishes what the new primary
 * lacks, from its memory or the file; an entry of the same generation that ends at or before
 * the head is already delivered (skipped), one that straddles the head is cut at it.
 *
 * Backpressure as the follower's: a listener that returns a promise holds its event. While
 * listeners hold maxInFlight events, entries already read wait in a backlog (one XREAD reply at
 * most) and nothing more is read: the data waits in the stream.
 */
import { fingerprint, formatCursor } from '../../core/cursor.js'
import { ListenerCredit } from '../../core/listener-credit.js'
import type { Position } from '../../core/log-source.js'
import type { FollowEvent } from '../../core/types.js'
import { headAfter, offsetOf, parseId, type Entry } from '../protocol.js'
import { EntryRing } from './ring.js'

const EMPTY: Position = {
  gen: 0,
  offset: 0,
  cursor: formatCursor(0, fingerprint(new Uint8Array(0), new Uint8Array(0))),
}

export type ReaderState = 'syncing' | 'live' | 'down' | 'closed'

export class EdgeStats {
  entries = 0
  gaps = 0
  /** Entries (or their first lines) already delivered, re-published after a Redis failover. */
  replayed = 0
  /** Watcher clock of the newest entry applied (ms). */
  lastWatcherTime = 0
  lastId = '0-0'
  reader: ReaderState = 'syncing'
  lastError: string | null = null
}

export class LiveStream {
  readonly stats = new EdgeStats()
  readonly ring: EntryRing
  head: Position = EMPTY
  /** `cursor` of the newest entry applied; null until the stream has been read once. */
  private lastCursor: string | null = null
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

  /** Initial state from the newest entries (newest first), before live reading starts. */
  seed(newest: readonly Entry[]): void {
    const top = newest[0]
    if (!top) return
    const epoch = parseId(top.id).epoch
    this.ring.reset(epoch)
    const current: Entry[] = []
    for (const e of newest) {
      if (parseId(e.id).epoch !== epoch) break
      if (e.type !== 'prev') current.push(e)
    }
    for (const e of current.reverse()) this.ring.push(e)
    this.setHead(epoch, headAfter(top))
    this.lastCursor = top.cursor
    this.stats.lastId = top.id
    this.stats.lastWatcherTime = top.watcherTime
  }

  /** The stream went back (a failover lost its newest entries): read on after `topId`. */
  rewind(topId: string): void {
    this.backlog = []
    this.stats.lastId = topId
  }

  /** Entries read but held back until listeners settle. */
  get held(): number {
    return this.backlog.length
  }

  /** Applies entries (after any held), in order, until listeners hold maxInFlight events. */
  apply(entries: readonly Entry[] = []): void {
    const all = this.backlog.length ? [...this.backlog, ...entries] : entries
    let i = 0
    while (i < all.length && !this.listeners.full) this.applyOne(all[i++] as Entry)
    this.backlog = i < all.length ? all.slice(i) : []
  }

  private applyOne(entry: Entry): void {
    const epoch = parseId(entry.id).epoch
    this.stats.lastId = entry.id
    this.stats.lastWatcherTime = entry.watcherTime
    this.stats.entries++
    const broken = this.lastCursor !== null && entry.prevCursor !== this.lastCursor
    let e: Entry | null = entry
    if (broken && entry.type === 'lines' && epoch === this.head.gen) e = this.replay(entry)
    if (!e) return
    this.lastCursor = e.cursor
    if (broken && e === entry && e.type !== 'reset') {
      this.stats.gaps++
      this.ring.reset(epoch)
      const from = this.head.cursor
      const at = e.type === 'lines' && e.headBefore ? e.headBefore : headAfter(e)
      this.setHead(epoch, at)
      this.listeners.emit(gapEvent(from, at))
    }
    if (e.type !== 'prev') {
      if (epoch !== this.ring.epoch) this.ring.reset(epoch)
      this.ring.push(e)
      this.setHead(epoch, e.cursor)
    }
    const ev = entryEvent(e, this.path)
    if (ev) this.listeners.emit(ev)
  }

  /** A re-published entry: null if delivered already, cut at the head if it straddles it. */
  private replay(e: Entry): Entry | null {
    const h = this.head
    if (e.end <= h.offset && e.start < h.offset) {
      this.stats.replayed++
      if (e.cursor === h.cursor) this.lastCursor = e.cursor
      return null
    }
    const k = e.lines.findIndex((l) => l.offset === h.offset)
    if (e.start >= h.offset || k <= 0) return e // not an overlap: a real hole
    this.stats.replayed++
    const lines = e.lines.slice(k)
    const fingerprints = e.fingerprints.slice(k)
    return { ...e, start: h.offset, headBefore: h.cursor, lines, fingerprints }
  }

  private setHead(epoch: number, cursor: string): void {
    this.head = { gen: epoch, offset: offsetOf(cursor), cursor }
  }
}

type RotateReason = Extract<FollowEvent, { type: 'rotated' }>['reason']
type TruncateReason = Extract<FollowEvent, { type: 'truncated' }>['reason']

export function gapEvent(from: string, cursor: string): FollowEvent {
  const [oldOffset, size] = [offsetOf(from), offsetOf(cursor)]
  return { type: 'truncated', reason: 'gap', oldOffset, size, cursor }
}

/** The event for an entry (none for `start` and seed lines, which only set the position). */
export function entryEvent(e: Entry, path: string): FollowEvent | null {
  switch (e.type) {
    case 'lines':
    case 'prev': {
      if (e.reason === 'seed') return null // context published with a new stream: history only
      const { lines, start, end, cursor } = e
      const ev: FollowEvent = { type: 'lines', lines, start, end, cursor }
      if (e.type === 'prev') ev.previous = true
      return ev
    }
    case 'rotate':
      return { type: 'rotated', reason: (e.reason || 'renamed') as RotateReason, cursor: e.cursor }
    case 'appear':
      return { type: 'appeared', path, cursor: e.cursor }
    case 'truncate': {
      const reason = (e.reason || 'size') as TruncateReason
      return { type: 'truncated', reason, oldOffset: e.oldOffset, size: e.size, cursor: e.cursor }
    }
    case 'reset':
      return gapEvent(e.prevCursor, e.cursor)
    default:
      return null
  }
}
