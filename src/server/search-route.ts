/**
 * @module GET /api/search: literal or RE2 search of the history, newest first.
 *
 * re2js runs in linear time, so no pattern can backtrack catastrophically; each request is also
 * bounded by a time and a byte budget and says where to continue (`next`, a cursor for before=).
 * Matches are streamed a page at a time as the client pulls (1,000 matches of 64 KiB lines would
 * be 64 MiB held per response otherwise); each page read takes a slot of the read pool.
 */
import type { Context } from 'hono'
import { RE2JS } from 're2js'
import type { LogSource } from '../core/log-source.js'
import type { SearchJson, SearchMatchJson } from '../core/protocol.js'
import type { LinesResult } from '../core/types.js'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { historyBody, jsonStream } from './history-body.js'
import { jsonPieces } from './json-stream.js'
import { cursorParam, flagParam, intParam, ParamError } from './query.js'
import type { Read } from './read-pool.js'

const PAGE_LINES = 512
const PAGE_BYTES = 256 * 1024
const ROUTE = '/api/search'

type Reason = SearchJson['reason']
type Outcome = { next: string | null; reason: Reason }

export function searchRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const text = q.get('q')
    if (!text) throw new ParamError('bad_param', 'q is required', 'q')
    const icase = flagParam(q, 'icase')
    const test = matcher(text, flagParam(q, 'regex'), icase)
    const limit = intParam(q, 'limit', 1, 1000, 100)
    const start = cursorParam(q, 'before') ?? source.position().cursor
    const read = ctx.reads.reader(ROUTE)
    const tally = { scanned: 0 }
    const pages = scan(source, test, limit, start, ctx.search, read, tally)
    // The first page is scanned before answering, so a stale cursor is still a 409.
    let pending: IteratorResult<SearchMatchJson[], Outcome> | undefined = await pages.next()
    let outcome: Outcome = { next: null, reason: 'stale' }
    const next = async () => {
      const r = pending ?? (await pages.next())
      pending = undefined
      if (!r.done) return r.value
      outcome = r.value
      return null
    }
    const produce = jsonPieces({ file: source.id }, 'matches', next, () => ({
      next: outcome.next,
      done: outcome.next === null,
      reason: outcome.reason,
      scannedBytes: tally.scanned,
    }))
    const stop = () => void pages.return({ next: null, reason: 'stale' }).catch(() => {})
    return jsonStream(c, historyBody(ctx, c, ROUTE, produce, stop))
  }
}

/**
 * The matches of each page, newest first; returns why the scan stopped and where to go on.
 * Only the time spent scanning counts against the time budget, not the time the client takes
 * to read what was found.
 */
async function* scan(
  source: LogSource,
  test: (line: string) => boolean,
  limit: number,
  start: string,
  budget: { ms: number; bytes: number },
  read: Read,
  tally: { scanned: number }
): AsyncGenerator<SearchMatchJson[], Outcome> {
  let cursor = start
  let found = 0
  let spent = 0
  let resumed = Date.now()
  for (let page = 0; ; page++) {
    if (spent + Date.now() - resumed > budget.ms) return { next: cursor, reason: 'time' }
    if (tally.scanned >= budget.bytes) return { next: cursor, reason: 'bytes' }
    const from = cursor
    const r = await read(() => source.readBefore(from, PAGE_LINES, PAGE_BYTES), page > 0)
    if ('stale' in r) {
      if (page === 0) throw staleError(r.reason, 'before')
      return { next: null, reason: 'stale' }
    }
    const matches: SearchMatchJson[] = []
    let outcome: Outcome | undefined
    const m = r.lines.length
    for (let i = m - 1; i >= 0 && !outcome; i--) {
      const line = r.lines[i]?.text as string
      tally.scanned += line.length + 1
      if (!test(line)) continue
      const after = i === m - 1 ? r.last : await startOf(source, r, i + 1, read)
      if (after === undefined) {
        outcome = { next: null, reason: 'stale' }
        break
      }
      matches.push({ line, cursor: after })
      if (++found >= limit) {
        const next = i === 0 ? r.first : ((await startOf(source, r, i, read)) ?? null)
        outcome = { next, reason: 'limit' }
      }
    }
    if (!outcome && (m === 0 || r.lines[0]?.offset === 0)) outcome = { next: null, reason: 'start' }
    spent += Date.now() - resumed
    yield matches
    resumed = Date.now()
    if (outcome) return outcome
    cursor = r.first
  }
}

/** The cursor at the start of line i of a page (lines i.. are re-counted back from its end). */
async function startOf(
  source: LogSource,
  page: LinesResult,
  i: number,
  read: Read
): Promise<string | undefined> {
  if (i === 0) return page.first
  const r = await read(() => source.readBefore(page.last, page.lines.length - i, PAGE_BYTES), true)
  return 'stale' in r ? undefined : r.first
}

function matcher(text: string, regex: boolean, icase: boolean): (line: string) => boolean {
  if (!regex) {
    if (!icase) return (line) => line.includes(text)
    const lower = text.toLowerCase()
    return (line) => line.toLowerCase().includes(lower)
  }
  try {
    const re = RE2JS.compile(text, icase ? RE2JS.CASE_INSENSITIVE : 0)
    return (line) => re.test(line)
  } catch (err) {
    throw new ParamError(
      'bad_regex',
      `q is not a valid RE2 expression: ${(err as Error).message}`,
      'q'
    )
  }
}
