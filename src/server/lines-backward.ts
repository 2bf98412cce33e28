/**
 * @module The backward read of /api/lines (scrollback), in pages, for a body in file order.
 *
 * The lines end at `before` and start wherever `limit` lines or LINES_MAX_BYTES run out, so the
 * oldest line, which the body starts with, is known only after reading back to it. First pass,
 * before answering: read back page by page, keeping only where each page ends and how many
 * lines it holds (and the oldest page itself). Second pass, while the client pulls: read the
 * same pages again, oldest first. The same arguments give the same lines, so the body is
 * exactly what one big read would have returned, and it holds one page at a time.
 *
 * A response holds the lines of one file. At a file's start, `first` is the end of the next
 * older rotated sibling (and `more` true), so the next request reads on there, named by
 * `source`; a file with nothing before `before` (just rotated, empty) is passed over at once.
 * While the next older one, compressed, is being indexed (a step per request), `first` stays at
 * the file's start and `indexing` says how far it got: ask again from there.
 */
import type { ArchiveRun, Indexing, LogSource } from '../core/log-source.js'
import type { LinesResult } from '../core/types.js'
import { staleError } from './context.js'
import { followRotation, isIndexing, olderEnd, runOf } from './history-runs.js'
import {
  LINES_MAX_BYTES,
  PAGE_BYTES,
  type LinePages,
  type LinesSummary,
  type Read,
} from './lines-pages.js'

interface Page {
  end: string
  n: number
  bytes: number
}

export async function linesBackward(
  source: LogSource,
  before: string,
  limit: number,
  read: Read
): Promise<LinePages> {
  const ok = (r: LinesResult | { stale: true; reason: string }): LinesResult => {
    if ('stale' in r) throw staleError(r.reason, 'before')
    return r
  }
  // A cursor from before a rotation reads on in the sibling the file became.
  before = await read(() => followRotation(source, before), false)
  const found = await read(() => runOf(source, before), true)
  if (found === 'gone') throw staleError('stale', 'before')
  // Where `before` is, so the byte cap counts the bytes the lines take in the file.
  const at = await read(() => offsetIn(source, found, before), true)
  let run: ArchiveRun | null = found
  let indexing: Indexing | null = null
  while (at.offset === 0) {
    const older = await read(() => olderEnd(source, run), true)
    if (!older) break
    if (isIndexing(older)) {
      indexing = older
      break
    }
    run = older.run
    before = older.cursor
    at.offset = older.run.size
  }
  const pages: Page[] = []
  let end = before
  let endOffset = at.offset
  let remaining = limit
  let budget = LINES_MAX_BYTES
  let oldest: LinesResult
  for (;;) {
    const from = end
    let bytes = Math.min(PAGE_BYTES, budget)
    let r = ok(await read(() => source.readBefore(from, remaining, bytes), true))
    // Fewer lines than asked while older ones exist: the page window cut its oldest line.
    if (r.more && r.lines.length < remaining && bytes < budget) {
      // Keep that line whole: the next page gets it, or, when it alone is longer than a page,
      // this page grows to hold it (as a forward page does), up to what is left of the cap.
      // Only the last page keeps a cut line, as the one big read it stands for would have.
      const n = Math.max(1, r.lines.length - 1)
      if (n === 1 && r.lines.length === 1) bytes = budget
      r = ok(await read(() => source.readBefore(from, n, bytes), true))
    }
    pages.push({ end: from, n: r.lines.length, bytes })
    remaining -= r.lines.length
    const startOffset = r.lines[0]?.offset ?? endOffset
    budget -= endOffset - startOffset
    oldest = r
    if (!r.more || remaining <= 0 || budget <= 0 || r.lines.length === 0) break
    end = r.first
    endOffset = startOffset
  }
  const reached = oldest.more || indexing ? null : await read(() => olderEnd(source, run), true)
  if (isIndexing(reached)) indexing = reached
  const older = isIndexing(reached) ? null : reached
  const summary: LinesSummary = {
    first: older ? older.cursor : oldest.first,
    last: before,
    more: oldest.more || older !== null || indexing !== null,
    atStart: !older && !indexing && (oldest.lines[0]?.offset ?? 0) === 0,
    ...(run && { source: run.name }),
    ...(indexing && { indexing: { source: indexing.name, bytes: indexing.indexed } }),
  }
  // The oldest page was read last and goes first; the others are read again in turn.
  let held: LinesResult | undefined = oldest
  let i = pages.length - 2
  return {
    async next() {
      if (held) {
        const lines = held.lines
        held = undefined
        return lines
      }
      if (i < 0) return null
      const p = pages[i--] as Page
      return ok(await read(() => source.readBefore(p.end, p.n, p.bytes), true)).lines
    },
    summary: () => summary,
  }
}

/** The offset of `cursor` in its file: the sibling `run`, or the current file (run null). */
async function offsetIn(
  source: LogSource,
  run: ArchiveRun | null,
  cursor: string
): Promise<{ offset: number }> {
  if (!run) {
    const at = await source.check(cursor)
    if (!at.ok) throw staleError(at.reason, 'before')
    return { offset: at.offset }
  }
  const at = await run.offsetOf(cursor)
  if (typeof at !== 'number') throw staleError(at.reason, 'before')
  return { offset: at }
}
