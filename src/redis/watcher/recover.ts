/**
 * @module Where a watcher's stream continues: after a restart, a takeover, a dropped buffer.
 *
 * The file is the buffer. The newest published entry says which cursor the stream has reached;
 * every line from there to the follower's position (taken when the events we hold started) is
 * read back from the file with readAfter and numbered in the same epoch, so a restart or a long
 * Redis outage publishes no duplicate and leaves no gap. Only when the file can no longer give
 * those lines (rotated away, truncated, rewritten: readAfter says stale) does a `reset` entry
 * open a new epoch, which edges report to their clients instead of pretending continuity.
 */
import type { LogSource, Position } from '../../core/log-source.js'
import type { RedisClient } from '../conn.js'
import { readTop } from '../commands.js'
import { compareIds, offsetOf, type Entry } from '../protocol.js'
import { lineFingerprints } from './fingerprints.js'
import type { EntryBuilder } from './numbering.js'

export interface RecoverInput {
  client: RedisClient
  key: string
  source: LogSource
  builder: EntryBuilder
  /** The newest entry this process published, if any (Redis may have lost it, or be ahead). */
  published: Entry | null
  /** Follower position from which the held events start. */
  baseline: Position
  /** Where the context of a new stream ends (the position when the watcher started). */
  seedUntil?: Position | null
  pageBytes: number
  /** Read at most about this much per call (a long outage is re-read and sent in chunks). */
  chunkBytes: number
  now: () => number
}

/** Entries up to the baseline, or a first chunk of them (`done` false: call again once sent). */
export async function recoverEntries(
  o: RecoverInput
): Promise<{ entries: Entry[]; done: boolean }> {
  // Redis may be ahead (another watcher led meanwhile) or behind (it lost entries): the newer.
  const top = await readTop(o.client, o.key)
  const mine = o.published
  const base = mine && (!top || compareIds(mine.id, top.id) > 0) ? mine : top
  const out: Entry[] = []
  if (base) o.builder.restore(base)
  else {
    // A new stream: what the file held when this watcher started is context (seed); what came
    // after it, up to the baseline, is news and is published as such.
    const until = o.seedUntil ?? o.baseline
    out.push(...(await seedEntries(o, until)))
    if (until.cursor === o.baseline.cursor) return { entries: out, done: true }
  }
  let from = (o.builder.chain as { head: string }).head
  for (let bytes = 0; from !== o.baseline.cursor;) {
    if (bytes >= o.chunkBytes) return { entries: out, done: false }
    const r = await o.source.readAfter(from, o.baseline, o.pageBytes)
    if ('stale' in r || r.last === from) return restart(o, base ?? (out[0] as Entry), out)
    if (r.lines.length > 0) {
      const end = offsetOf(r.last)
      const fps = await lineFingerprints(o.source, r.lines, end, r.last)
      const ev = {
        type: 'lines' as const,
        lines: r.lines,
        start: offsetOf(from),
        end,
        cursor: r.last,
      }
      try {
        out.push(...o.builder.lines(ev, fps, o.now()))
      } catch {
        return restart(o, base ?? (out[0] as Entry), out) // cannot be numbered after the base (E_SEQ_ORDER)
      }
    }
    bytes += offsetOf(r.last) - offsetOf(from)
    if (!r.more) break
    from = r.last
  }
  return { entries: out, done: true }
}

/** Lines of context published with a new stream, so edges can answer `init` and scrollback. */
const SEED_LINES = 1000
const SEED_BYTES = 1024 * 1024

/**
 * The first entries of a stream that has none: a `start` at the oldest line of the file's tail,
 * then those lines up to the baseline. Without them an edge could not give a browser the last
 * lines a watcher that just started already had.
 */
async function seedEntries(o: RecoverInput, at: Position): Promise<Entry[]> {
  const ctx = await o.source.tail(SEED_LINES, at, SEED_BYTES)
  if ('stale' in ctx || ctx.lines.length === 0) {
    return [o.builder.begin('start', at, o.now())]
  }
  const from = { gen: at.gen, offset: offsetOf(ctx.first), cursor: ctx.first }
  const start = o.builder.begin('start', from, o.now())
  const fps = await lineFingerprints(o.source, ctx.lines, at.offset, at.cursor)
  const ev = {
    type: 'lines' as const,
    lines: ctx.lines,
    start: from.offset,
    end: at.offset,
    cursor: at.cursor,
  }
  const seed = o.builder.lines(ev, fps, o.now())
  // History, not news: edges keep these lines for init and scrollback but do not send them live
  // (after a Redis restart they would repeat lines browsers already have).
  for (const e of seed) e.reason = 'seed'
  return [start, ...seed]
}

/** The file cannot give the lines: a new epoch at the baseline (edges report the gap). */
function restart(o: RecoverInput, base: Entry, read: Entry[]) {
  // Lines already read from this generation are still good; number the reset after them.
  const last = read[read.length - 1]
  o.builder.restore(last ?? base)
  const reset = o.builder.begin('reset', o.baseline, o.now(), 'restart')
  return { entries: [...read, reset], done: true }
}
