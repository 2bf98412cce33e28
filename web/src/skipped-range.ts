/**
 * @module A skipped range of the file (sent as `event: skipped`, or let go by the page's own
 * queue): its marker text, and loading it on demand with `/api/lines?after=&until=`. Loading is
 * bounded by the room the ring has for it: a range larger than that gets its newest part, the
 * part next to the lines already shown, and a smaller range remains for the rest. The merged
 * view's own ranges are not loaded: they name where to read the lines instead.
 */
import { isMergedCursor } from '../../src/core/merged-cursor.js'
import type { LinesJson, SkippedEvent } from '../../src/core/protocol.js'

export interface SkippedMark {
  range: SkippedEvent
  loading?: boolean
  /** Why the last load did not bring everything (an error, or the ring's room). */
  note?: string
}

export interface RangeApi {
  linesAfter(file: string, after: string, until: string, limit: number): Promise<LinesJson>
  lines(file: string, before: string, limit: number): Promise<LinesJson>
}

export interface LoadedRange {
  /** Pages in file order, each a run of lines ending at its `last` cursor. */
  pages: LinesJson[]
  /** What was not loaded (the older part), when the range did not fit. */
  rest?: SkippedEvent
}

const PAGE = 5000

export function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = Math.max(0, n)
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  const digits = u === 0 || v >= 100 ? 0 : v >= 10 ? 0 : 1
  return `${v.toFixed(digits)} ${units[u]}`
}

/**
 * A range the merged view let go runs between two merged cursors: no one file's `after..until`
 * holds it, so it has no "load"; each file's own tab reads its part of it.
 */
export function mergedRange(r: SkippedEvent): boolean {
  return isMergedCursor(r.from) || isMergedCursor(r.to)
}

export function loadable(r: SkippedEvent): boolean {
  return r.from !== '' && r.to !== '' && !mergedRange(r)
}

export function skippedLabel(m: SkippedMark): string {
  const size = `${humanBytes(m.range.bytes)} skipped`
  if (m.loading) return `${size} · loading…`
  if (m.note) return `${size} · ${m.note}`
  if (mergedRange(m.range)) return `${size} · ${MERGED_NOTE}`
  return loadable(m.range) ? `${size} ·` : `${size} (not loadable: no cursor)`
}

const MERGED_NOTE =
  'the page could not keep up with all files; the lines are in the files: read them in each ' +
  "file's tab (Go to time)"

/**
 * Reads the range forwards, page by page, while it fits in `room` lines. If it does not, reads
 * the newest `room` lines of it backwards from `to` instead (every one of them inside the
 * range, since the range holds more), and reports the older rest as a smaller range.
 */
export async function loadRange(
  api: RangeApi,
  file: string,
  r: SkippedEvent,
  room: number,
  page = PAGE
): Promise<LoadedRange> {
  if (room <= 0) return { pages: [], rest: r }
  const pages: LinesJson[] = []
  let got = 0
  let after = r.from
  for (;;) {
    const p = await api.linesAfter(file, after, r.to, Math.min(page, room - got))
    if (p.lines.length) pages.push(p)
    got += p.lines.length
    if (!p.more) return { pages }
    // A page that brings nothing would never end the loop: the server is not moving forward.
    if (p.lines.length === 0 || p.last === after) break
    after = p.last
    if (got >= room) break
  }
  const tail: LinesJson[] = []
  let tailLines = 0
  let before = r.to
  while (tailLines < room) {
    const p = await api.lines(file, before, Math.min(page, room - tailLines))
    if (p.lines.length === 0) break
    tail.unshift(p)
    tailLines += p.lines.length
    if (p.first === before || p.atStart) break
    before = p.first
  }
  const first = tail[0]
  if (!first) return { pages: [], rest: r }
  let bytes = 0
  for (const p of tail) for (const t of p.lines) bytes += t.length + 1
  return {
    pages: tail,
    rest: { from: r.from, to: first.first, bytes: Math.max(0, r.bytes - bytes) },
  }
}
