/**
 * @module The merge point of a fresh merged view: one start in time for every file.
 *
 * Each file's init is its last N lines, which span an hour in a quiet file and a second in a
 * busy one. Merged as they are, the busy file's older lines (its scrollback) would belong among
 * the quiet file's shown ones, and scrollback could not continue the view in order. So what a
 * file sends is held (InitHold) until every init is in; the point is the latest first timestamp
 * of the files that have older lines, and the init lines before it are left to scrollback.
 */
import { atFileStart, type FilePosition } from '../core/merged-cursor.js'
import { stamps } from './merge-newest.js'
import type { MergeItem } from './merge-queue.js'

export class InitHold {
  readonly items: MergeItem[] = []
  bytes = 0
  seen = false
  /** The file has lines before its init (its init is not the whole file). */
  moreBefore = false
  /** Timestamp of the init's first stamped line. */
  firstTs = -Infinity
  #at = -1
  #lines = 0
  #first = ''

  add(item: MergeItem): void {
    this.items.push(item)
    this.bytes += item.kind === 'line' ? item.text.length + 8 : 64
  }

  /** The file's init arrived; its `count` lines are the next ones added. */
  init(first: string, lines: readonly string[], count: number): void {
    this.seen = true
    this.#at = this.items.length
    this.#lines = count
    this.#first = first
    this.moreBefore = first !== '' && !atFileStart(first)
    this.firstTs = stamps(lines).find((t) => t > -Infinity) ?? -Infinity
  }

  /**
   * Hands on what was held, without the init lines stamped before `point`; returns where the
   * view starts in this file (its init's first cursor plus the lines left out).
   */
  release(point: number, push: (item: MergeItem) => void): FilePosition | undefined {
    let drop = 0
    if (this.#at >= 0) {
      const init = this.items.slice(this.#at, this.#at + this.#lines)
      const ts = stamps(init.map((i) => (i.kind === 'line' ? i.text : '')))
      while (drop < ts.length && (ts[drop] as number) < point) drop++
    }
    this.items.forEach((item, i) => {
      if (i < this.#at || i >= this.#at + drop) push(item)
    })
    return this.#first ? { cursor: this.#first, k: drop } : undefined
  }
}

/** The latest first timestamp of the files with older lines; -Infinity: nothing is cut. */
export function mergePoint(holds: readonly (InitHold | null)[]): number {
  let point = -Infinity
  for (const h of holds) if (h?.seen && h.moreBefore) point = Math.max(point, h.firstTs)
  return point
}
