/**
 * @module Counts of lines per time bucket and level, kept incrementally as lines come and go,
 * for the histogram. The bucket width is picked from the loaded span so there are at most
 * MAX_BARS bars; a new width means a recount, which happens only when the span crosses a step
 * (a few times over a session), never per line.
 */
import type { Level } from './level.js'

/** error, warn, info, debug, then lines without a level. */
export type Counts = [number, number, number, number, number]
export const MAX_BARS = 60

const S = 1000
const M = 60 * S
const H = 60 * M
const WIDTHS = [S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M, 15 * M, 30 * M]
WIDTHS.push(H, 2 * H, 3 * H, 6 * H, 12 * H, 24 * H, 48 * H, 7 * 24 * H, 28 * 24 * H)

const SLOT: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 }

export function levelSlot(level: Level | undefined): number {
  return level ? SLOT[level] : 4
}

/** The narrowest width that shows [min, max] in at most MAX_BARS buckets. */
export function pickWidth(min: number, max: number): number {
  for (const w of WIDTHS) if (Math.floor(max / w) - Math.floor(min / w) + 1 <= MAX_BARS) return w
  return WIDTHS[WIDTHS.length - 1] as number
}

export interface Bar {
  /** Epoch ms where the bucket starts; it ends `width` later. */
  start: number
  counts: Counts
  total: number
}

export class Buckets {
  width = S
  total = 0
  private readonly counts = new Map<number, Counts>()

  add(t: number, slot: number, by = 1): void {
    const key = Math.floor(t / this.width)
    let c = this.counts.get(key)
    if (!c) this.counts.set(key, (c = [0, 0, 0, 0, 0]))
    c[slot] = (c[slot] as number) + by
    this.total += by
    if (by < 0 && c.every((n) => n <= 0)) this.counts.delete(key)
  }

  clear(width = this.width): void {
    this.counts.clear()
    this.total = 0
    this.width = width
  }

  /** One bar per bucket from the one holding `min` to the one holding `max`, empty ones too. */
  bars(min: number, max: number): Bar[] {
    const out: Bar[] = []
    const last = Math.floor(max / this.width)
    for (let k = Math.floor(min / this.width); k <= last && out.length < MAX_BARS * 2; k++) {
      const counts = this.counts.get(k) ?? [0, 0, 0, 0, 0]
      out.push({ start: k * this.width, counts, total: counts.reduce((a, b) => a + b, 0) })
    }
    return out
  }
}

/** "5 s", "2 min", "1 h", "2 d": the width in the histogram's label. */
export function widthLabel(w: number): string {
  if (w < M) return `${w / S} s`
  if (w < H) return `${w / M} min`
  if (w < 24 * H) return `${w / H} h`
  return `${w / (24 * H)} d`
}
