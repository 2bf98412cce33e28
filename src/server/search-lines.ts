/**
 * @module The line-by-line scan behind /api/search, for sources without raw history bytes (a
 * Redis edge): pages of decoded lines through readBefore, each line tested on its own.
 *
 * A page that stops inside a line starts with a piece of it; that piece is not tested (it would
 * be half a line) but left for the next page, which reads back from its end and gets it whole.
 */
import type { LogSource } from '../core/log-source.js'
import type { SearchJson, SearchMatchJson } from '../core/protocol.js'
import type { LinesResult } from '../core/types.js'
import { staleError } from './context.js'
import type { Read } from './read-pool.js'

const PAGE_LINES = 512
const PAGE_BYTES = 256 * 1024

export type Outcome = { next: string | null; reason: SearchJson['reason'] }
export type ScanBudget = { ms: number; bytes: number }
/** Bytes scanned so far, and of how many (for progress). */
export type Tally = { scanned: number; total: number }

/**
 * The matches of each page, newest first; returns why the scan stopped and where to go on.
 * Only the time spent scanning counts against the time budget, not the time the client takes
 * to read what was found.
 */
export async function* searchLines(
  source: LogSource,
  test: (line: string) => boolean,
  limit: number,
  start: string,
  budget: ScanBudget,
  read: Read,
  tally: Tally
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
    // A first line cut by the page limit is left whole for the next page (when there is another).
    const cut = m > 1 && r.lines[0]?.cont === true && r.lines[0]?.offset !== 0 ? 1 : 0
    for (let i = m - 1; i >= cut && !outcome; i--) {
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
    if (cut === 0) cursor = r.first
    else {
      const next = await startOf(source, r, 1, read)
      if (next === undefined) return { next: null, reason: 'stale' }
      cursor = next
    }
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
