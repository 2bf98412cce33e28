/**
 * @module History reads of an edge (readAfter, readBefore, tail) over the entries of an epoch.
 *
 * Same contract as the file: pages end on a point with a known cursor, `more` says go on, and
 * a walk that meets a hole (entries trimmed, a chain that does not link, the start of what the
 * stream holds) answers Stale instead of returning fewer lines as if that were all.
 */
import type { Position, Stale } from '../../core/log-source.js'
import type { LinesResult, LogLine } from '../../core/types.js'
import {
  after,
  backward,
  locate,
  pointCursor,
  pointOffset,
  stale,
  type EntryStore,
  type Point,
} from './points.js'

/** Lines from `cursor` up to `until` (a head position of its epoch), about maxBytes of them. */
export async function readForward(
  store: EntryStore,
  cursor: string,
  until: Position,
  maxBytes: number
): Promise<LinesResult | Stale> {
  const pt = await locate(store, until.gen, cursor, until.offset)
  if ('stale' in pt) return pt
  const lines: LogLine[] = []
  let kept = 0
  let last = cursor
  let lastOffset = pointOffset(pt.entry, pt.k)
  let bytes = 0
  let e = pt.entry
  let k = pt.k
  const next = after(store, until.gen, e)
  for (;;) {
    for (; k < e.lines.length && lastOffset < until.offset; k++) {
      const line = e.lines[k] as LogLine
      const end = pointOffset(e, k + 1)
      if (end > until.offset) break
      lines.push(line)
      bytes += end - line.offset
      const c = pointCursor(e, k + 1)
      if (c === null) continue
      last = c
      lastOffset = end
      kept = lines.length
      if (bytes >= maxBytes) break
    }
    if (lastOffset >= until.offset || (bytes >= maxBytes && kept === lines.length)) break
    const n = await next.next()
    if (n.done || n.value.headBefore !== e.cursor) return stale('stale')
    e = n.value
    k = 0
  }
  await next.return(undefined)
  return { lines: lines.slice(0, kept), first: cursor, last, more: lastOffset < until.offset }
}

/** Up to n lines ending at `cursor`, in file order. */
export async function readBackward(
  store: EntryStore,
  epoch: number,
  cursor: string,
  headOffset: number,
  n: number,
  maxBytes: number
): Promise<LinesResult | Stale> {
  const pt = await locate(store, epoch, cursor, headOffset)
  if ('stale' in pt) return pt
  const end = pointOffset(pt.entry, pt.k)
  if (n <= 0 || end === 0) return { lines: [], first: cursor, last: cursor, more: end > 0 }
  const taken: Point[] = [] // newest first: entry and line index
  let bytes = 0
  let full = false
  let e = pt.entry
  let k = pt.k
  const prev = backward(store, epoch, e)
  for (;;) {
    for (let j = k - 1; j >= 0 && taken.length < n; j--) {
      const size = pointOffset(e, j + 1) - (e.lines[j] as LogLine).offset
      // Stop at the byte limit for good: going on in an older entry would skip lines j..0.
      if (taken.length > 0 && bytes + size > maxBytes) full = true
      if (full) break
      bytes += size
      taken.push({ entry: e, k: j })
    }
    if (full || taken.length >= n || bytes >= maxBytes) break
    const p = await prev.next()
    if (p.done || p.value.cursor !== e.headBefore) break // the stream holds nothing older here
    e = p.value
    k = e.lines.length
  }
  await prev.return(undefined)
  // The oldest line kept must start at a point with a known cursor: drop lines up to one.
  while (taken.length > 0) {
    const o = taken[taken.length - 1] as Point
    if (pointCursor(o.entry, o.k) !== null) break
    taken.pop()
  }
  const oldest = taken[taken.length - 1]
  if (!oldest) return stale('gone') // older lines exist in the file, not in the stream
  const lines = taken.reverse().map((t) => t.entry.lines[t.k] as LogLine)
  const first = pointCursor(oldest.entry, oldest.k) as string
  return { lines, first, last: cursor, more: pointOffset(oldest.entry, oldest.k) > 0 }
}
