/**
 * @module GET /api/search: literal or RE2 search of the history, newest first.
 *
 * re2js runs in linear time, so no pattern can backtrack catastrophically; each request is also
 * bounded by a time and a byte budget and says where to continue (`next`, a cursor for before=).
 */
import type { Context } from 'hono'
import { RE2JS } from 're2js'
import type { LogSource } from '../core/log-source.js'
import type { LinesResult } from '../core/types.js'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { cursorParam, flagParam, intParam, ParamError } from './query.js'

const PAGE_LINES = 512
const PAGE_BYTES = 256 * 1024

type Reason = 'limit' | 'time' | 'bytes' | 'start' | 'stale'

export function searchRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const text = q.get('q')
    if (!text) throw new ParamError('bad_param', 'q is required', 'q')
    const icase = flagParam(q, 'icase')
    const test = matcher(text, flagParam(q, 'regex'), icase)
    const limit = intParam(q, 'limit', 1, 1000, 100)
    let cursor = cursorParam(q, 'before') ?? source.position().cursor
    const deadline = Date.now() + ctx.search.ms
    const matches: { line: string; cursor: string }[] = []
    let scanned = 0
    let next: string | null = null
    let reason: Reason
    for (let page = 0; ; page++) {
      if (Date.now() > deadline) reason = 'time'
      else if (scanned >= ctx.search.bytes) reason = 'bytes'
      else {
        const r = await source.readBefore(cursor, PAGE_LINES, PAGE_BYTES)
        if ('stale' in r) {
          if (page === 0) throw staleError(r.reason, 'before')
          reason = 'stale'
          break
        }
        const m = r.lines.length
        for (let i = m - 1; i >= 0; i--) {
          const line = r.lines[i]?.text as string
          scanned += line.length + 1
          if (!test(line)) continue
          const after = i === m - 1 ? r.last : await startOf(source, r, i + 1)
          if (after === undefined) return partial(c, source, matches, null, 'stale', scanned)
          matches.push({ line, cursor: after })
          if (matches.length >= limit) {
            next = i === 0 ? r.first : ((await startOf(source, r, i)) ?? null)
            return partial(c, source, matches, next, 'limit', scanned)
          }
        }
        if (m === 0 || r.lines[0]?.offset === 0) {
          reason = 'start'
          break
        }
        cursor = r.first
        continue
      }
      next = cursor
      break
    }
    return partial(c, source, matches, next, reason, scanned)
  }
}

function partial(
  c: Context<AppEnv>,
  source: LogSource,
  matches: { line: string; cursor: string }[],
  next: string | null,
  reason: Reason,
  scannedBytes: number
) {
  return c.json({ file: source.id, matches, next, done: next === null, reason, scannedBytes })
}

/** The cursor at the start of line i of a page (lines i.. are re-counted back from its end). */
async function startOf(
  source: LogSource,
  page: LinesResult,
  i: number
): Promise<string | undefined> {
  if (i === 0) return page.first
  const r = await source.readBefore(page.last, page.lines.length - i, PAGE_BYTES)
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
