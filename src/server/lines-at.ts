/**
 * @module `at=TIME` of GET /api/lines: the cursor at the first line whose timestamp is at or
 * after TIME (RFC 3339, or epoch milliseconds), found by binary search over the raw history.
 */
import type { LogSource } from '../core/log-source.js'
import { parseIso } from '../history/time-parse.js'
import { NoTimestampsError, seekTime } from '../history/time-seek.js'
import { staleError } from './context.js'
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
    try {
      const { offset } = await seekTime(reader, target)
      return await reader.cursorAt(offset)
    } catch (err) {
      if (err instanceof NoTimestampsError) throw new ParamError(err.code, err.message, 'at')
      throw err
    }
  }, false)
  if (cursor === null) throw staleError('stale', 'at')
  return cursor
}
