/**
 * @module The byte search across a source's history: the file `before` points into, then each
 * older rotated sibling in turn, so `done` comes only after the oldest. One request's budgets
 * (matches, bytes, time) are shared by all the files it reaches; when they run out between two
 * files, `next` is the end of the next one. Indexing a compressed sibling reached for the first
 * time counts against the time budget too (steps of INDEX_STEP); a request that runs out while
 * indexing answers `next` at the start of the newer file, to go on from there.
 */

const INDEX_STEP = 16 * 1024 * 1024
import type { ByteRangeReader } from '../core/byte-range.js'
import type { ArchiveRun, LogSource } from '../core/log-source.js'
import type { SearchMatchJson } from '../core/protocol.js'
import type { SearchPlan } from '../history/search-plan.js'
import { isIndexing, olderRun } from './history-runs.js'
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
    const t0 = Date.now()
    const again = () => spent.ms + Date.now() - t0 < budget.ms
    const older = await read(() => olderRun(source, run, { stepBytes: INDEX_STEP, again }), true)
    spent.ms += Date.now() - t0
    if (!older) return r.value
    if (isIndexing(older)) {
      const next = await read(() => reader.cursorAt(0), true)
      return { next, reason: next === null ? 'stale' : 'time' }
    }
    reader = run = older
    start = older.size
  }
}
