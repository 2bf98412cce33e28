/**
 * @module `GET /api/lines?file=*&after=MERGED` and `&at=TIME`: the merged view read forwards,
 * for the history view below its line (Go to time, scrolling down towards live).
 *
 * `at` puts every file at its first line at or after TIME (lines-at.ts), which is a merged
 * cursor like any other: `first` answers it, so scrollback (`before=`) reads above it. Each file
 * reads one page after its cursor, the oldest `limit` of all of them are answered in time order
 * (merge-oldest.ts), and `last` is where each file's next line starts. Reads are of the current
 * file only, as the merged scrollback's: a time older than its first line starts at that line.
 */
import type { LogSource } from '../core/log-source.js'
import { cursorRun } from '../core/cursor.js'
import { formatMergedCursor, parseMergedCursor, type FilePosition } from '../core/merged-cursor.js'
import type { FileEntry } from './context.js'
import { atCursor } from './lines-at.js'
import { firstCursor } from './lines-start.js'
import { LINES_MAX_BYTES, PAGE_BYTES } from './lines-pages.js'
import { takeOldest } from './merge-oldest.js'
import { ParamError } from './query.js'
import type { Read } from './read-pool.js'
import { texts } from './sse-frame.js'

type Entry = FileEntry

interface Ahead {
  id: string
  source: LogSource
  lines: string[]
  /** The read ended before the file's end: more lines follow `lines`. */
  more: boolean
  /** Cursor just past `lines`. */
  last: string
}

/** The merged start of `at`: each file at its first line at or after TIME. */
export async function mergedAt(files: Entry[], at: string, read: Read) {
  const out = new Map<string, FilePosition>()
  let failure: unknown
  for (const f of files) {
    try {
      let cursor = await atCursor(f.source, at, read)
      if (cursorRun(cursor) !== '') cursor = await firstCursor(f.source, read, 'at', true)
      out.set(f.source.id, { cursor, k: 0 })
    } catch (e) {
      // A file without timestamps (or without raw history) has no place in time: left out.
      if (!(e instanceof ParamError) || e.status !== 400) throw e
      failure = e
    }
  }
  if (out.size === 0 && failure) throw failure
  return out
}

/** Up to `limit` merged lines after `from`, and the merged cursor after them. */
export async function mergedAfter(
  files: Entry[],
  from: ReadonlyMap<string, FilePosition>,
  limit: number,
  eventBytes: number,
  read: Read
) {
  const parts: Ahead[] = []
  for (const f of files) {
    const pos = from.get(f.source.id)
    if (!pos || pos.cursor === '') continue
    parts.push(await ahead(f.source, pos, eventBytes, read))
  }
  const t = takeOldest(
    parts.map((p) => p.lines),
    limit,
    parts.map((p) => p.more)
  )
  const next = new Map(from)
  let more = false
  for (const [i, p] of parts.entries()) {
    const taken = t.taken[i] as number
    const rest = p.lines.length - taken
    if (rest > 0 || p.more) more = true
    if (taken === 0) continue
    // The cursor after the last line taken is the start of the first one left.
    let cursor = p.last
    if (rest > 0) {
      const s = await read(() => p.source.readBefore(p.last, rest, LINES_MAX_BYTES), true)
      if ('stale' in s) {
        throw new ParamError('stale_cursor', `${p.id} changed while it was read`, 'after', 409)
      }
      cursor = s.first
    }
    next.set(p.id, { cursor, k: 0 })
  }
  return {
    lines: t.lines,
    files: t.files.map((i) => (parts[i] as Ahead).id),
    last: formatMergedCursor(next),
    more,
  }
}

/** One page of a file after its position (the k lines already shown skipped). */
async function ahead(source: LogSource, pos: FilePosition, eventBytes: number, read: Read) {
  // The k lines came in one event: one event's budget more holds them.
  const bytes = PAGE_BYTES + eventBytes
  const r = await read(() => source.readAfter(pos.cursor, source.position(), bytes), true)
  // Rotated or truncated since: nothing of this file follows the view in the current file.
  if ('stale' in r) return { id: source.id, source, lines: [], more: false, last: pos.cursor }
  return { id: source.id, source, lines: texts(r.lines).slice(pos.k), more: r.more, last: r.last }
}

/** `after=` of a merged request, or throws bad_cursor. */
export function afterParam(text: string | undefined): Map<string, FilePosition> {
  const from = text === undefined ? null : parseMergedCursor(text)
  if (!from) throw new ParamError('bad_cursor', 'after must be a merged cursor (file=*)', 'after')
  return from
}

/** The forward answer of a merged `/api/lines` (`at=` or `after=`). */
export async function mergedForward(
  files: Entry[],
  q: Map<string, string>,
  limit: number,
  eventBytes: number,
  read: Read
) {
  const at = q.get('at')
  if (at !== undefined && (q.has('after') || q.has('before')))
    throw new ParamError('bad_param', 'at cannot be used with before or after', 'at')
  const from = at === undefined ? afterParam(q.get('after')) : await mergedAt(files, at, read)
  const first = formatMergedCursor(from)
  const page = await mergedAfter(files, from, limit, eventBytes, read)
  return { file: '*', ...page, first, atStart: false, ...(at !== undefined && { at: first }) }
}
