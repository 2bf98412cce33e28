/**
 * @module The byte scan behind /api/search for sources with raw history: regions of megabytes
 * read backwards, each searched whole by the query plan, matches newest first.
 *
 * One region is one read of the read pool; the pages it yields are what the response streams.
 * Budgets (time spent scanning, bytes scanned) stop a request and say where to go on; at least
 * one region is scanned per request, so paging always moves.
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import type { SearchMatchJson } from '../core/protocol.js'
import { BackwardChunks, HistoryGoneError, type ChunkOptions } from '../history/backward-chunks.js'
import { RegionHits } from '../history/region-hits.js'
import type { SearchPlan } from '../history/search-plan.js'
import type { Read } from './read-pool.js'
import type { Outcome, ScanBudget, Tally } from './search-lines.js'

/** Searching one file of several (the rotated past): what the files before it used up. */
export interface ChainStep {
  /** The sibling's name, put on each match. */
  source?: string
  /** Not the first file of the request: budgets apply from the first region on. */
  later?: boolean
  /** Scanning time of the request so far, shared by its files (kept up to date here). */
  spent?: { ms: number }
}

/** Text of the matches one page holds at most (chars): what a client that stalls costs. */
const PAGE_TEXT = 256 * 1024

export async function* searchBytes(
  reader: ByteRangeReader,
  plan: SearchPlan,
  start: number,
  limit: number,
  budget: ScanBudget,
  read: Read,
  tally: Tally,
  opts: ChunkOptions & ChainStep = {}
): AsyncGenerator<SearchMatchJson[], Outcome> {
  const chunks = new BackwardChunks(reader, start, opts)
  const hits = new RegionHits(plan, reader.maxLineBytes)
  tally.total += start
  let found = 0
  let spent = opts.spent?.ms ?? 0
  let resumed = Date.now()
  const named = opts.source === undefined ? {} : { source: opts.source }
  const cursor = async (offset: number) => (await reader.cursorAt(offset)) ?? null
  for (let page = 0; ; page++) {
    if (chunks.position === 0) return { next: null, reason: 'start' }
    const over =
      (page > 0 || opts.later === true) &&
      (spent + Date.now() - resumed > budget.ms ? 'time' : tally.scanned >= budget.bytes && 'bytes')
    if (over) {
      const at = chunks.position
      const next = await read(() => cursor(at), true)
      return next === null ? { next: null, reason: 'stale' } : { next, reason: over }
    }
    let step: { matches: SearchMatchJson[]; outcome?: Outcome }
    try {
      step = await read(
        async () => {
          const r = await chunks.next()
          if (!r) return { matches: [], outcome: { next: null, reason: 'start' } as Outcome }
          const { lines, resumeAt } = hits.hits(r, limit - found, PAGE_TEXT)
          if (resumeAt !== null) chunks.resume(resumeAt)
          tally.scanned += r.to - (resumeAt ?? r.from)
          const matches: SearchMatchJson[] = []
          const known = { buf: r.buf, at: r.from }
          for (const h of lines) {
            const c = await reader.cursorAt(h.end, known)
            if (c === null) return { matches, outcome: { next: null, reason: 'stale' } as Outcome }
            matches.push(
              h.truncated
                ? { line: h.text, cursor: c, truncated: true, ...named }
                : { line: h.text, cursor: c, ...named }
            )
          }
          found += matches.length
          const oldest = lines[lines.length - 1]
          if (found >= limit && oldest) {
            const next = await cursor(oldest.start)
            const outcome: Outcome =
              next === null ? { next, reason: 'stale' } : { next, reason: 'limit' }
            return { matches, outcome }
          }
          if (chunks.position === 0)
            return { matches, outcome: { next: null, reason: 'start' } as Outcome }
          return { matches }
        },
        page > 0 || opts.later === true
      )
    } catch (err) {
      if (err instanceof HistoryGoneError) return { next: null, reason: 'stale' }
      throw err
    }
    spent += Date.now() - resumed
    if (opts.spent) opts.spent.ms = spent
    yield step.matches
    resumed = Date.now()
    if (step.outcome) return step.outcome
  }
}
