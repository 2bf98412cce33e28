/**
 * @module The backward read of /api/lines (scrollback), in pages, for a body in file order.
 *
 * The lines end at `before` and start wherever `limit` lines or LINES_MAX_BYTES run out, so the
 * oldest line, which the body starts with, is known only after reading back to it. First pass,
 * before answering: read back page by page, keeping only where each page ends and how many
 * lines it holds (and the oldest page itself). Second pass, while the client pulls: read the
 * same pages again, oldest first. The same arguments give the same lines, so the body is
 * exactly what one big read would have returned, and it holds one page at a time.
 */
import type { LogSource } from '../core/log-source.js'
import type { LinesResult } from '../core/types.js'
import { staleError } from './context.js'
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
  // Where `before` is, so the byte cap counts the bytes the lines take in the file.
  const at = await read(() => source.check(before), false)
  if (!at.ok) throw staleError(at.reason, 'before')
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
  const summary: LinesSummary = {
    first: oldest.first,
    last: before,
    more: oldest.more,
    atStart: (oldest.lines[0]?.offset ?? 0) === 0,
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
