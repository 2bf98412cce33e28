/**
 * @module Stream entries: what the watcher XADDs for each follower event, and how edges read it.
 *
 * Fields (Redis stores strings):
 * - t: lines | prev (lines of a rotated-away file) | start | rotate | appear | truncate | reset
 * - c: the cursor after the entry (for prev: a cursor into the old file, never resumable)
 * - p: `c` of the previous stream entry, '' for the first one: edges compare it with the last
 *   entry they hold, so a lost entry (trimmed while they were away, Redis failover, watcher
 *   buffer overflow) is detected exactly, never skipped silently
 * - q: the current file's cursor before the entry ('' when a generation starts here); for prev
 *   the current file's head, which prev entries do not move
 * - s: byte offset where the lines start; d: the lines, JSON `[[offset, text, fp, flag], ...]`
 *   where fp is the cursor fingerprint at the end of that line ('' if unknown) and flag is
 *   1 for a piece of a long line (cont), 2 for a partial line
 * - r: reason (rotate, truncate, reset; `seed` on the context lines a new stream starts with);
 *   o, z: old offset and size (truncate); w: watcher clock
 */
import { parseCursor } from '../core/cursor.js'
import type { LogLine } from '../core/types.js'
import { offsetOfSeq, parseId } from './keys.js'

export type EntryType = 'lines' | 'prev' | 'start' | 'rotate' | 'appear' | 'truncate' | 'reset'

export interface Entry {
  id: string
  t: EntryType
  c: string
  p: string
  q: string
  s: number
  /** Where the lines end: from the id for current-file entries (see keys.ts), else from c. */
  end: number
  lines: LogLine[]
  /** Fingerprint of the cursor at the end of each line ('' when the watcher could not tell). */
  fps: string[]
  r: string
  o: number
  z: number
  w: number
}

type WireLine = [number, string, string, number?]

export function encodeEntry(e: Entry): string[] {
  const f = ['t', e.t, 'c', e.c, 'p', e.p, 'q', e.q, 's', String(e.s), 'w', String(e.w)]
  if (e.lines.length > 0) {
    const d: WireLine[] = e.lines.map((l, i) => {
      const w: WireLine = [l.offset, l.text, e.fps[i] ?? '']
      if (l.cont) w.push(1)
      else if (l.partial) w.push(2)
      return w
    })
    f.push('d', JSON.stringify(d))
  }
  if (e.r) f.push('r', e.r)
  if (e.t === 'truncate') f.push('o', String(e.o), 'z', String(e.z))
  return f
}

export function decodeEntry(id: string, fields: readonly string[]): Entry {
  const m = new Map<string, string>()
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i] as string, fields[i + 1] as string)
  const num = (k: string) => Number(m.get(k) ?? 0)
  const lines: LogLine[] = []
  const fps: string[] = []
  const d = m.get('d')
  if (d) {
    for (const [offset, text, fp, flag] of JSON.parse(d) as WireLine[]) {
      const l: LogLine = { text, offset }
      if (flag === 1) l.cont = true
      else if (flag === 2) l.partial = true
      lines.push(l)
      fps.push(fp)
    }
  }
  const t = (m.get('t') ?? 'lines') as EntryType
  const c = m.get('c') ?? ''
  return {
    id,
    t,
    c,
    p: m.get('p') ?? '',
    q: m.get('q') ?? '',
    s: num('s'),
    end: t === 'prev' ? offsetOf(c) : offsetOfSeq(parseId(id).seq),
    lines,
    fps,
    r: m.get('r') ?? '',
    o: num('o'),
    z: num('z'),
    w: num('w'),
  }
}

/** Byte offset of a cursor we produced ourselves (0 for ''). */
export function offsetOf(cursor: string): number {
  return parseCursor(cursor)?.offset ?? 0
}

/** The current file's cursor once this entry is applied. */
export function headAfter(e: Entry): string {
  return e.t === 'prev' ? e.q : e.c
}

/** Rough memory an entry takes in an edge ring. */
export function entrySize(e: Entry): number {
  let n = 200
  for (const l of e.lines) n += l.text.length * 2 + 64
  return n
}
