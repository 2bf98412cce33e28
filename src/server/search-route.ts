/**
 * @module GET /api/search: literal or RE2 search of the history, newest first, as a JSON page
 * or as an event stream with progress.
 *
 * Sources with raw history bytes are searched in regions of megabytes by a query plan (a byte
 * search finds candidates, only candidate lines are decoded); others line by line. re2js runs
 * in linear time, so no pattern can backtrack catastrophically; each request is also bounded by
 * a time and a byte budget and says where to continue (`next`, a cursor for before=). Pages are
 * streamed as the client pulls; each region read takes a slot of the read pool.
 */
import type { Context } from 'hono'
import type { SearchMatchJson, SearchStrategy } from '../core/protocol.js'
import { compilePlan, PatternError, type SearchPlan } from '../history/search-plan.js'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { historyBody, jsonStream } from './history-body.js'
import { jsonPieces } from './json-stream.js'
import { cursorParam, flagParam, intParam, ParamError } from './query.js'
import { followRotation, runOf } from './history-runs.js'
import { searchChain } from './search-chain.js'
import { searchLines, type Outcome, type Tally } from './search-lines.js'
import { searchEvents, SSE_HEADERS, wantsStream } from './search-stream.js'

const ROUTE = '/api/search'

export function searchRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const text = q.get('q')
    if (!text) throw new ParamError('bad_param', 'q is required', 'q')
    const plan = planOf(text, flagParam(q, 'regex'), flagParam(q, 'icase'))
    const limit = intParam(q, 'limit', 1, 1000, 100)
    const asked = cursorParam(q, 'before')
    const streamed = wantsStream(flagParam(q, 'stream'), c.req.header('accept'))
    const read = ctx.reads.reader(ROUTE)
    const tally: Tally = { scanned: 0, total: 0 }
    let strategy: SearchStrategy = 'lines'
    let pages: AsyncGenerator<SearchMatchJson[], Outcome>
    const live = source.history?.()
    // A cursor from before a rotation searches on in the sibling the file became.
    const before =
      asked === undefined || !live || 'stale' in live
        ? asked
        : await read(() => followRotation(source, asked), false)
    if (live && !('stale' in live)) {
      // A cursor into a rotated sibling starts the scan there; the older ones follow it.
      const run = before === undefined ? null : await read(() => runOf(source, before), false)
      if (run === 'gone') throw staleError('stale', 'before')
      const reader = run ?? live
      let start = reader.size
      if (before !== undefined) {
        const at = await read(() => reader.offsetOf(before), true)
        if (typeof at !== 'number') throw staleError(at.reason, 'before')
        start = at
      }
      strategy = plan.strategy
      const first = { reader, run, start }
      pages = searchChain(source, first, plan, limit, ctx.search, read, tally)
    } else {
      const start = before ?? source.position().cursor
      pages = searchLines(source, plan.testLine, limit, start, ctx.search, read, tally)
    }
    // The first page is scanned before answering, so a stale cursor is still a 409 and a full
    // read pool a 503.
    let pending: IteratorResult<SearchMatchJson[], Outcome> | undefined = await pages.next()
    let outcome: Outcome = { next: null, reason: 'stale' }
    const next = async () => {
      const r = pending ?? (await pages.next())
      pending = undefined
      if (!r.done) return r.value
      outcome = r.value
      return null
    }
    const tail = () => ({
      next: outcome.next,
      done: outcome.next === null,
      reason: outcome.reason,
      scannedBytes: tally.scanned,
      strategy,
    })
    const stop = () => void pages.return({ next: null, reason: 'stale' }).catch(() => {})
    if (streamed) {
      const progress = () => ({ scannedBytes: tally.scanned, totalBytes: tally.total })
      const body = historyBody(ctx, c, ROUTE, searchEvents(next, progress, tail), stop)
      return c.body(body, 200, SSE_HEADERS)
    }
    const produce = jsonPieces({ file: source.id }, 'matches', next, tail)
    return jsonStream(c, historyBody(ctx, c, ROUTE, produce, stop))
  }
}

function planOf(text: string, regex: boolean, icase: boolean): SearchPlan {
  try {
    return compilePlan(text, regex, icase)
  } catch (err) {
    if (err instanceof PatternError) throw new ParamError(err.code, err.message, 'q')
    throw err
  }
}
