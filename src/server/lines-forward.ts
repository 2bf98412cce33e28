/**
 * @module The forward read of /api/lines: up to `limit` lines after `after`, ending at `until`,
 * in pages read while the client pulls (after a skip, the viewer fetches what it missed).
 *
 * From a cursor into a rotated sibling the lines end at that sibling's end (a response holds
 * one file, named by `source`); `last` is then the start of the next newer file.
 */
import type { LogSource, Position } from '../core/log-source.js'
import type { LogLine } from '../core/types.js'
import { staleError } from './context.js'
import { followRotation, newerStart, runOf } from './history-runs.js'
import {
  LINES_MAX_BYTES,
  PAGE_BYTES,
  type LinePages,
  type LinesSummary,
  type Read,
} from './lines-pages.js'

/** Up to `limit` lines after `after`, ending at `until` (default: the committed end). */
export async function linesForward(
  source: LogSource,
  after: string,
  untilCursor: string | undefined,
  limit: number,
  read: Read
): Promise<LinePages> {
  const until = await untilPosition(source, untilCursor, read)
  // A cursor from before a rotation reads on in the sibling the file became (not for a range
  // ending at `until`: both ends are in one file).
  if (untilCursor === undefined) after = await read(() => followRotation(source, after), true)
  const run = await read(() => runOf(source, after), true)
  if (run === 'gone') throw staleError('stale', 'after')
  let cursor = after
  let remaining = limit
  let budget = LINES_MAX_BYTES
  let firstOffset: number | undefined
  let summary: LinesSummary | undefined
  const page = async (continuation: boolean): Promise<LogLine[]> => {
    const bytes = Math.min(PAGE_BYTES, budget)
    budget -= bytes
    const r = await read(() => source.readAfter(cursor, until, bytes), continuation)
    if ('stale' in r) throw staleError(r.reason, 'after')
    let { lines, last, more } = r
    if (lines.length > remaining) {
      // The cursor after the last line kept is the start of the first one left out.
      const rest = lines.length - remaining
      const s = await read(() => source.readBefore(r.last, rest, LINES_MAX_BYTES), true)
      if ('stale' in s) throw staleError(s.reason, 'after')
      lines = lines.slice(0, remaining)
      last = s.first
      more = true
    }
    remaining -= lines.length
    firstOffset ??= lines[0]?.offset
    cursor = last
    if (!more || remaining === 0 || budget === 0 || lines.length === 0) {
      const found = run && !more ? await read(() => newerStart(source, run), true) : null
      // The newer file being indexed: ask again from this one's end.
      const newer = typeof found === 'string' ? found : null
      summary = {
        first: after,
        last: newer ?? last,
        more: more || found !== null,
        atStart: (firstOffset ?? 0) === 0,
        ...(run && { source: run.name }),
      }
    }
    return lines
  }
  let held: LogLine[] | undefined = await page(untilCursor !== undefined)
  return {
    async next() {
      if (held) {
        const lines = held
        held = undefined
        return lines
      }
      return summary ? null : page(true)
    },
    summary: () => summary as LinesSummary,
  }
}

/** `until` as a Position of the current generation; the committed end when absent. */
async function untilPosition(
  source: LogSource,
  cursor: string | undefined,
  read: Read
): Promise<Position> {
  const pos = source.position()
  if (cursor === undefined) return pos
  const r = await read(() => source.check(cursor), false)
  if (!r.ok) throw staleError(r.reason, 'until')
  return { gen: pos.gen, offset: r.offset, cursor }
}
