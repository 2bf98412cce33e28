/**
 * @module The recent entries of one file's current epoch, decoded, on an edge.
 *
 * Only current-file entries, contiguous and in stream order: their end offsets strictly
 * increase, so a cursor is found by binary search on its offset. Most resumes after a blip or
 * an edge switch hit this ring and cost Redis nothing; older cursors go to XRANGE.
 */
import { entrySize, type Entry } from '../protocol.js'

export class EntryRing {
  epoch = 0
  private items: Entry[] = []
  private bytes = 0

  constructor(
    readonly maxEntries = 10_000,
    readonly maxBytes = 32 * 1024 * 1024
  ) {}

  get size(): number {
    return this.items.length
  }

  get totalBytes(): number {
    return this.bytes
  }

  get first(): Entry | undefined {
    return this.items[0]
  }

  get last(): Entry | undefined {
    return this.items[this.items.length - 1]
  }

  at(i: number): Entry | undefined {
    return this.items[i]
  }

  /** A copy of entries [start, end): walks must not see the ring move under them. */
  slice(start: number, end = this.items.length): Entry[] {
    return this.items.slice(start, end)
  }

  /** Starts over for another epoch (or after a gap: older cursors must not resume across it). */
  reset(epoch: number): void {
    this.epoch = epoch
    this.items = []
    this.bytes = 0
  }

  push(e: Entry): void {
    this.items.push(e)
    this.bytes += entrySize(e)
    const over = this.items.length - this.maxEntries
    if (over > 0 || this.bytes > this.maxBytes) this.trim(Math.max(over, 1))
  }

  /** Index of the first entry ending at or after `offset`; -1 when the ring does not cover it. */
  covering(offset: number): number {
    const first = this.items[0]
    if (!first || offset < first.start) return -1
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((this.items[mid] as Entry).end < offset) lo = mid + 1
      else hi = mid
    }
    return lo < this.items.length ? lo : -1
  }

  /** Index of this very entry (same id), or -1. */
  indexOf(e: Entry): number {
    const i = this.covering(e.end)
    return i >= 0 && this.items[i]?.id === e.id ? i : -1
  }

  private trim(atLeast: number): void {
    // Drop in chunks of 1/8 so trimming costs O(1) per push on average.
    let n = Math.max(atLeast, this.items.length >> 3)
    n = Math.min(n, this.items.length - 1)
    for (let i = 0; i < n; i++) this.bytes -= entrySize(this.items[i] as Entry)
    this.items.splice(0, n)
    while (this.bytes > this.maxBytes && this.items.length > 1) {
      this.bytes -= entrySize(this.items.shift() as Entry)
    }
  }
}
