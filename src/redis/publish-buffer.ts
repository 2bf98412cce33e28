/**
 * @module What a publisher holds for Redis: follower events not numbered yet, then entries not
 * sent yet, within one bound on entries and bytes.
 *
 * `generation` changes whenever the buffer is dropped, so work that awaited something (a read,
 * an XADD) can tell that what it was working on is gone.
 */
import type { FollowEvent } from '../core/types.js'
import { entrySize, type Entry } from './entry.js'

export type PublishedEvent = Extract<
  FollowEvent,
  { type: 'lines' | 'rotated' | 'appeared' | 'truncated' }
>
export const isPublished = (e: FollowEvent): e is PublishedEvent =>
  e.type === 'lines' || e.type === 'rotated' || e.type === 'appeared' || e.type === 'truncated'

export interface Held {
  e: PublishedEvent
  /** When the watcher got it (entry field w). */
  at: number
  size: number
}

const eventSize = (e: PublishedEvent) =>
  e.type === 'lines' ? entrySize({ lines: e.lines } as Entry) : 200

export class PublishBuffer {
  inbox: Held[] = []
  outq: Entry[] = []
  bytes = 0
  generation = 0

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number
  ) {}

  get entries(): number {
    return this.inbox.length + this.outq.length
  }

  /** Holds an event; false once past the bound (the caller drops everything and re-reads). */
  add(e: PublishedEvent, at: number): boolean {
    const size = eventSize(e)
    this.inbox.push({ e, at, size })
    this.bytes += size
    return this.entries <= this.maxEntries && this.bytes <= this.maxBytes
  }

  /** Replaces the oldest event by the entries numbered from it. */
  numbered(entries: readonly Entry[]): void {
    const h = this.inbox.shift()
    if (h) this.bytes -= h.size
    for (const e of entries) this.hold(e)
  }

  hold(e: Entry, first = false): void {
    if (first) this.outq.unshift(e)
    else this.outq.push(e)
    this.bytes += entrySize(e)
  }

  /** The first `n` entries are in Redis. */
  sent(n: number): void {
    for (const e of this.outq.splice(0, n)) this.bytes -= entrySize(e)
  }

  clear(): void {
    this.inbox = []
    this.outq = []
    this.bytes = 0
    this.generation++
  }
}
