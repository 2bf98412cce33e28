/**
 * @module The byte search across a source's history: the file `before` points into, then each
 * older rotated sibling in turn, so `done` comes only after the oldest. One request's budgets
 * (matches, bytes, time) are shared by all the files it reaches; when they run out between two
 * files, `next` is the end of the next one.
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import type { ArchiveRun, LogSource } from '../core/log-source.js'
import type { SearchMatchJson } from '../core/protocol.js'
import type { SearchPlan } from '../history/search-plan.js'
import { olderRun } from './history-runs.js'
import type { Read } from './read-pool.js'
import { searchBytes } from './search-bytes.js'
import type { Outcome, ScanBudget, Tally } from './search-lines.js'

export async function* searchChain(
  source: LogSource,
  first: { reader: ByteRangeReader; run: ArchiveRun | null; start: number },
  plan: SearchPlan,
  limit: number,
  budget: ScanBudget,
  read: Read,
  tally: Tally
): AsyncGenerator<SearchMatchJson[], Outcome> {
  const spent = { ms: 0 }
  let { reader, run, start } = first
  let found = 0
  for (let later = false; ; later = true) {
    if (later && (spent.ms > budget.ms || tally.scanned >= budget.bytes)) {
      const next = await read(() => reader.cursorAt(start), true)
      return { next, reason: next === null ? 'stale' : spent.ms > budget.ms ? 'time' : 'bytes' }
    }
    const opts = { later, spent, ...(run && { source: run.name }) }
    const scan = searchBytes(reader, plan, start, limit - found, budget, read, tally, opts)
    let r = await scan.next()
    for (; !r.done; r = await scan.next()) {
      found += r.value.length
      yield r.value
    }
    if (r.value.reason !== 'start') return r.value
    const older = await read(() => olderRun(source, run), true)
    if (!older) return r.value
    reader = run = older
    start = older.size
  }
}
