/**
 * @module GET /api/lines: history in file order, backwards from `before` (scrollback) or
 * forwards from `after` up to `until` (the lines a skipping client did not get), streamed.
 *
 * A response is up to 10,000 lines and 4 MiB of the file. Built whole, that was megabytes of
 * strings per request, held until the client had read them all; a few dozen clients that never
 * read took the server past a gigabyte. The body is read PAGE_BYTES at a time when the client
 * pulls it, each read in a slot of the read pool, so a stalled client holds one page.
 */
import type { Context } from 'hono'
import { pickFile, type AppContext, type AppEnv } from './context.js'
import { historyBody, jsonStream } from './history-body.js'
import { linesBackward } from './lines-backward.js'
import { atCursor } from './lines-at.js'
import { startCursor } from './lines-start.js'
import { linesForward } from './lines-forward.js'
import { jsonPieces } from './json-stream.js'
import { cursorParam, intParam, ParamError } from './query.js'
import { texts } from './sse-frame.js'

const ROUTE = '/api/lines'

export function linesRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const limit = intParam(q, 'limit', 1, 10_000, 100)
    const at = q.get('at')
    const until = cursorParam(q, 'until')
    const before = cursorParam(q, 'before')
    const from = q.get('from')
    if (at !== undefined && (q.has('after') || before !== undefined || until !== undefined))
      throw new ParamError('bad_param', 'at cannot be used with before, after or until', 'at')
    if (from !== undefined && (at !== undefined || q.has('after') || before !== undefined))
      throw new ParamError('bad_param', 'from cannot be used with at, before or after', 'from')
    const read = ctx.reads.reader(ROUTE)
    const after =
      from !== undefined
        ? await startCursor(source, from, read)
        : at === undefined
          ? cursorParam(q, 'after')
          : await atCursor(source, at, read)
    if (after !== undefined && before !== undefined)
      throw new ParamError('bad_param', 'before and after cannot be used together', 'after')
    if (until !== undefined && after === undefined)
      throw new ParamError('bad_param', 'until is only valid with after', 'until')
    // The first page is read before answering, so a stale cursor is still a 409.
    const pages =
      after === undefined
        ? await linesBackward(source, before ?? source.position().cursor, limit, read)
        : await linesForward(source, after, until, limit, read)
    const produce = jsonPieces(
      at === undefined ? { file: source.id } : { file: source.id, at: after },
      'lines',
      async () => {
        const page = await pages.next()
        return page && texts(page)
      },
      () => ({ ...pages.summary() })
    )
    return jsonStream(c, historyBody(ctx, c, ROUTE, produce))
  }
}
