/**
 * @module How many entries an edge's next XREAD asks for, so one reply stays near a byte budget.
 *
 * XREAD bounds a reply by entries, not bytes, and one entry holds up to a watcher batch (256 KiB
 * by default): COUNT 512 could bring 128 MB into an edge at once. The count is the budget over
 * the largest entry seen lately. It starts as if every entry were a full batch, follows a larger
 * entry at once and a smaller one by halves, so a reply is at most the budget while entry sizes
 * stay within 2x of the last reply's, and a burst of big entries after small ones costs one
 * reply before the count is down again.
 */
import { entrySize, type Entry } from './entry.js'

export const DEFAULT_READ_BYTES = 4 * 1024 * 1024
/** What a full watcher batch takes once decoded (256 KiB of text, two bytes a character). */
const FULL_ENTRY = 512 * 1024

export class ReadBudget {
  private largest = FULL_ENTRY

  constructor(
    readonly maxCount = 512,
    readonly maxBytes = DEFAULT_READ_BYTES
  ) {
    if (!(maxCount >= 1) || !(maxBytes >= 1)) {
      throw new RangeError(
        `read budget needs count and bytes of at least 1 (${maxCount}, ${maxBytes})`
      )
    }
  }

  /** Entries to ask for now: at least one, however large entries are. */
  get count(): number {
    return Math.max(1, Math.min(this.maxCount, Math.floor(this.maxBytes / this.largest)))
  }

  /** Learns entry sizes from a reply (an empty reply, a timeout, teaches nothing). */
  observe(entries: readonly Entry[]): void {
    let max = 0
    for (const e of entries) max = Math.max(max, entrySize(e))
    if (entries.length === 0) return
    this.largest = max >= this.largest ? max : Math.max(max, this.largest / 2)
  }
}
