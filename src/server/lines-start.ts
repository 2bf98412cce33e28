/**
 * @module `from=start` of GET /api/lines: the file's first lines, for a viewer's Home in a file
 * whose start it never loaded. The cursor at offset 0 is made by the source itself, so the page
 * needs no knowledge of fingerprints, and the read is the same bounded forward page as `after`.
 */
import type { LogSource } from '../core/log-source.js'
import { staleError } from './context.js'
import { ParamError } from './query.js'
import type { Read } from './read-pool.js'

/** The cursor before the file's first line; `from` must say `start`. */
export async function startCursor(source: LogSource, from: string, read: Read): Promise<string> {
  if (from !== 'start') throw new ParamError('bad_param', "from must be 'start'", 'from')
  return firstCursor(source, read, 'from', false)
}

/**
 * The cursor at offset 0 of the current file, made by the source; errors name `param`.
 * `continuation`: a further read of a request already admitted by the read pool.
 */
export async function firstCursor(
  source: LogSource,
  read: Read,
  param: string,
  continuation: boolean
): Promise<string> {
  const reader = source.history?.()
  if (!reader) {
    throw new ParamError(
      `${param}_unsupported`,
      'this source cannot read from the start of the file (no raw history)',
      param
    )
  }
  if ('stale' in reader) throw staleError(reader.reason, param)
  const cursor = await read(() => reader.cursorAt(0), continuation)
  if (cursor === null) throw staleError('stale', param)
  return cursor
}
