/**
 * @module `at=TIME` of GET /api/lines: the cursor at the first line whose timestamp is at or
 * after TIME (RFC 3339, or epoch milliseconds), found by binary search over the raw history.
 *
 * A time before the file's first line is looked for in the rotated siblings, newest to oldest,
 * one binary search each, until one holds lines at or after it; a compressed sibling not
 * indexed yet (or without timestamps) ends the walk at the start of the file after it.
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import type { ArchiveRun, LogSource } from '../core/log-source.js'
import { parseIso } from '../history/time-parse.js'
import { NoTimestampsError, seekTime } from '../history/time-seek.js'
import { staleError } from './context.js'
import { isIndexing, olderRun } from './history-runs.js'
import { ParamError } from './query.js'
import type { Read } from './read-pool.js'

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:[Zz]|[+-]\d{2}:?\d{2})?$/

/** The `at` parameter as epoch ms; a '+' of a zone that arrived as a space is read as '+'. */
export function timeParam(text: string): number {
  const t = text.replace(/ (\d{2}:?\d{2})$/, '+$1')
  const ms = /^-?\d{1,16}$/.test(t) ? Number(t) : RFC3339.test(t) ? parseIso(t) : null
  if (ms === null || !Number.isFinite(ms)) {
    throw new ParamError(
      'bad_param',
      'at must be an RFC 3339 time (2026-12-01T10:00:00Z) or epoch milliseconds',
      'at'
    )
  }
  return ms
}

/** The cursor of the first line at or after `at`, for a forward read from there. */
export async function atCursor(source: LogSource, at: string, read: Read): Promise<string> {
  const target = timeParam(at)
  const reader = source.history?.()
  if (!reader) {
    throw new ParamError(
      'at_unsupported',
      'this source cannot jump to a time (no raw history)',
      'at'
    )
  }
  if ('stale' in reader) throw staleError(reader.reason, 'at')
  const cursor = await read(async () => {
    let offset: number
    try {
      offset = (await seekTime(reader, target)).offset
    } catch (err) {
      if (err instanceof NoTimestampsError) throw new ParamError(err.code, err.message, 'at')
      throw err
    }
    return offset === 0 ? olderAt(source, reader, target) : reader.cursorAt(offset)
  }, false)
  if (cursor === null) throw staleError('stale', 'at')
  return cursor
}

/** From the start of `newest`, the siblings back: where the first line at or after `target` is. */
async function olderAt(
  source: LogSource,
  newest: ByteRangeReader,
  target: number
): Promise<string | null> {
  let best = await newest.cursorAt(0)
  let run: ArchiveRun | null = null
  for (;;) {
    const older = await olderRun(source, run)
    if (!older || isIndexing(older)) return best
    run = older
    let offset: number
    try {
      offset = (await seekTime(older, target)).offset
    } catch (err) {
      if (err instanceof NoTimestampsError) return best
      throw err
    }
    // Every line of it is earlier: the answer is the start of the file after it.
    if (offset === older.size) return best
    const here = await older.cursorAt(offset)
    if (offset > 0 || here === null) return here ?? best
    best = here
  }
}
