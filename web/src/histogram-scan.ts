/**
 * @module The histogram's walks over the held lines, each bounded by the ring (the cap), never
 * by the file: the span near both ends, a recount when the bucket width changes, and the first
 * line of a bucket for a click. Times are read from the entries.
 */
import type { Entry, LineStore } from './store.js'
import { levelSlot, type Buckets } from './time-buckets.js'

/** The time a line is counted at (its timestamp, or its arrival), if it has that kind. */
export type TimeOf = (e: Entry) => number | undefined

/** How far in from either end of the ring the oldest and newest time are looked for. */
const ENDS = 200

/** The oldest and newest time near the ends of the ring (lines are nearly in time order). */
export function spanOf(s: LineStore, of: TimeOf): [number, number] | undefined {
  let min = Infinity
  let max = -Infinity
  const look = (i: number) => {
    const t = of(s.entryAt(i) as Entry)
    if (t === undefined) return
    min = Math.min(min, t)
    max = Math.max(max, t)
  }
  for (let i = 0; i < Math.min(ENDS, s.total); i++) look(i)
  for (let i = Math.max(ENDS, s.total - ENDS); i < s.total; i++) look(i)
  return min <= max ? [min, max] : undefined
}

/** A new width: every held line counted again (rare: the span crossed a step). */
export function recount(b: Buckets, s: LineStore, of: TimeOf, width: number) {
  b.clear(width)
  for (let i = 0; i < s.total; i++) {
    const e = s.entryAt(i) as Entry
    const t = of(e)
    if (t !== undefined && !e.marker) b.add(t, levelSlot(e.level))
  }
}

/** The oldest held line with a time in [from, to), and its ring position. */
export function firstIn(s: LineStore, of: TimeOf, from: number, to: number) {
  for (let i = 0; i < s.total; i++) {
    const e = s.entryAt(i) as Entry
    const t = of(e)
    if (t !== undefined && t >= from && t < to) return { e, at: i }
  }
  return undefined
}
