/**
 * @module What a publisher holds: follower events not numbered yet and entries not sent yet
 * (within one bound on entries and bytes), and the newest entries it got into Redis.
 *
 * `generation` changes whenever the buffer is dropped, so work that awaited something (a read,
 * an XADD) can tell that what it was working on is gone. The published tail is where the
 * stream continues: this process's memory wins over Redis, which may have lost entries
 * (restart without persistence, failover to a lagging replica); the recent ones are put back
 * after such a loss, so edges that had not read them yet see no gap.
 */
import type { FollowEvent } from '../../core/types.js'
import { compareIds, entrySize, type Entry } from '../protocol.js'

export type PublishedEvent = Extract<
  FollowEvent,
  { type: 'lines' | 'rotated' | 'appeared' | 'truncated' }
>
export const isPublished = (e: FollowEvent): e is PublishedEvent =>
  e.type === 'lines' || e.type === 'rotated' || e.type === 'appeared' || e.type === 'truncated'

export interface Held {
  e: PublishedEvent
  /** When the watcher got it (the entry's watcherTime). */
  at: number
  size: number
}

const eventSize = (e: PublishedEvent) => (e.type === 'lines' ? entrySize(e) : 200)

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

export class PublishedTail {
  newest: Entry | null = null
  private recent: Entry[] = []

  constructor(private readonly max = 1024) {}

  add(e: Entry): void {
    this.newest = e
    this.recent.push(e)
    if (this.recent.length > this.max) this.recent.splice(0, this.recent.length >> 1)
  }

  /** Forgets everything: another watcher may have written since (a lease taken over). */
  forget(): void {
    this.newest = null
    this.recent = []
  }

  /** The remembered entries Redis lacks, given its newest id (null: the stream is gone). */
  lost(top: string | null): Entry[] {
    if (!this.newest || (top !== null && compareIds(top, this.newest.id) >= 0)) return []
    return this.recent.filter((e) => top === null || compareIds(e.id, top) > 0)
  }
}
