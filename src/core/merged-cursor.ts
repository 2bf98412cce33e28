/**
 * @module Merged cursors: the resumable position of the merged view ("All" files), made of the
 * per-file cursors, built and parsed only here.
 *
 * A merged line is not at a byte offset of any one file, and its frame may end in the middle of
 * a file's event, so each file's part is `<cursor>+<k>`: the last event id received from that
 * file plus the lines of it delivered since (its next event always starts right after that
 * cursor, and a file is the same lines every time it is read, so skipping k on resume is exact).
 * `*a.log=1234-0123456789abcd+3,b.log=` reads: a.log three lines after its cursor, b.log not
 * started yet. The `*` tells it from a file cursor; `,`, `=` and `+` never occur in file ids or
 * cursors. Anything malformed parses to null (never a throw on user input).
 */

/** Where the merged view is in one file. */
export interface FilePosition {
  /** The file's cursor (an event id of its stream), or '' before its first event. */
  cursor: string
  /** Lines delivered after `cursor`. */
  k: number
}

export const MERGED_PREFIX = '*'
/** More files than this are not merged (each costs a stream per merged client). */
export const MAX_MERGED_FILES = 64
/** Longest merged cursor accepted: MAX_MERGED_FILES entries of a long id and cursor. */
export const MAX_MERGED_LENGTH = 8192
/** Larger k than this cannot come from one event of a stream (a bounded event budget). */
const MAX_K = 10_000_000

const ID_RE = /^[A-Za-z0-9._-]{1,128}$/
const CURSOR_RE = /^[A-Za-z0-9._:-]{0,128}$/
const K_RE = /^(0|[1-9][0-9]{0,7})$/

/** Whether a file cursor is at the start of its file (offset 0). */
export function atFileStart(cursor: string): boolean {
  return cursor.startsWith('0-')
}

export function isMergedCursor(text: string | undefined): boolean {
  return typeof text === 'string' && text.startsWith(MERGED_PREFIX)
}

/** Formats the positions in the given order (the served order, so equal views give equal ids). */
export function formatMergedCursor(positions: ReadonlyMap<string, FilePosition>): string {
  const parts: string[] = []
  for (const [id, p] of positions)
    parts.push(p.k > 0 ? `${id}=${p.cursor}+${p.k}` : `${id}=${p.cursor}`)
  return MERGED_PREFIX + parts.join(',')
}

/** Parses a merged cursor; null for anything malformed, too long or naming a file twice. */
export function parseMergedCursor(text: string): Map<string, FilePosition> | null {
  if (typeof text !== 'string' || text.length > MAX_MERGED_LENGTH) return null
  if (!text.startsWith(MERGED_PREFIX)) return null
  const body = text.slice(MERGED_PREFIX.length)
  const out = new Map<string, FilePosition>()
  if (body === '') return out
  const parts = body.split(',')
  if (parts.length > MAX_MERGED_FILES) return null
  for (const part of parts) {
    const eq = part.indexOf('=')
    if (eq < 0) return null
    const id = part.slice(0, eq)
    const rest = part.slice(eq + 1)
    const plus = rest.indexOf('+')
    const cursor = plus < 0 ? rest : rest.slice(0, plus)
    const kText = plus < 0 ? '0' : rest.slice(plus + 1)
    if (!ID_RE.test(id) || !CURSOR_RE.test(cursor) || !K_RE.test(kText) || out.has(id)) return null
    const k = Number(kText)
    if (k > MAX_K || (cursor === '' && k > 0)) return null
    out.set(id, { cursor, k })
  }
  return out
}
