/**
 * @module Jump to a time: the first line whose timestamp is at or after a target, by binary
 * search over byte offsets (O(log size) reads of 64 KiB), never a scan of the file.
 *
 * A probe lands in the middle of a line: the bytes up to its '\n' are dropped (the classic bug
 * is parsing them). Lines without a timestamp (stack traces) belong to the line above, so a
 * probe takes the first stamped line after it, looking at most SKIP bytes ahead. Small
 * disorder (several writers, a request logged at its end with its start time) is tolerated by
 * searching SLACK_MS earlier and then taking, in file order, the first line at or after the
 * target, when those SLACK_MS span at most LINEAR bytes (a busy log gets the binary search's
 * answer, as does a file out of order by more than SLACK_MS).
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import { byteString, LF } from './bytes.js'
import { sniffFormat, stampParser, type StampParser, type TimeFormat } from './time-parse.js'

const BLOCK = 64 * 1024
/** Bytes of a line's start given to the parser: a JSON time field can be a little way in. */
const HEAD = 1024
/** From a probe point, how far to look for a line with a timestamp. */
const SKIP = 1024 * 1024
/** Disorder tolerated, and the bytes scanned in order to resolve it. */
const SLACK_MS = 5_000
const LINEAR = 1024 * 1024

export class NoTimestampsError extends Error {
  readonly code = 'no_timestamps'
}

interface Stamped {
  start: number
  ts: number
}

/**
 * The first line starting in [from, limit) whose timestamp satisfies `want`. `from` may be in
 * the middle of a line: that line is skipped.
 */
async function firstStamped(
  reader: ByteRangeReader,
  from: number,
  limit: number,
  parse: StampParser,
  want: (ts: number) => boolean
): Promise<Stamped | null> {
  const end = Math.min(limit, reader.size)
  let pos = from
  let skipping = from > 0 && (await reader.read(from - 1, 1))[0] !== LF
  while (pos < end) {
    const buf = await reader.read(pos, Math.min(BLOCK, reader.size - pos))
    if (buf.length === 0) return null
    const atEnd = pos + buf.length >= reader.size
    let s = 0
    if (skipping) {
      const nl = buf.indexOf(LF)
      if (nl < 0) {
        pos += buf.length
        continue
      }
      s = nl + 1
      skipping = false
    }
    while (s < buf.length) {
      if (pos + s >= end) return null
      const nl = buf.indexOf(LF, s)
      const e = nl >= 0 ? nl : buf.length
      // A line cut by the read before its head is complete: read again from its start.
      if (nl < 0 && !atEnd && e - s < HEAD && s > 0) break
      const ts = parse(byteString(buf, s, Math.min(e, s + HEAD)))
      if (ts !== null && want(ts)) return { start: pos + s, ts }
      if (nl < 0) {
        skipping = !atEnd // a line longer than a read: go on to its end
        s = buf.length
        break
      }
      s = nl + 1
    }
    pos += s
  }
  return null
}

/** The offset of the first stamped line with a time at or after `target` (binary search). */
async function lowerBound(reader: ByteRangeReader, parse: StampParser, target: number) {
  let lo = 0
  let hi = reader.size
  let best = reader.size
  while (hi - lo > BLOCK) {
    const mid = lo + Math.floor((hi - lo) / 2)
    const p = await firstStamped(reader, mid, Math.min(hi, mid + SKIP), parse, () => true)
    if (!p) hi = mid
    else if (p.ts < target) lo = p.start + 1
    else {
      best = p.start
      hi = mid
    }
  }
  const r = await firstStamped(reader, lo, Math.min(best, lo + 4 * SKIP), parse, (t) => t >= target)
  return r ? r.start : best
}

/** The timestamp format of a history, from its first lines (or its last ones). */
export async function historyFormat(
  reader: ByteRangeReader,
  now = Date.now()
): Promise<TimeFormat> {
  for (const from of [0, Math.max(0, reader.size - BLOCK)]) {
    const buf = await reader.read(from, Math.min(BLOCK, reader.size - from))
    const heads: string[] = []
    let s = from === 0 ? 0 : buf.indexOf(LF) + 1
    if (from > 0 && s === 0) continue // no line starts in that block
    while (s < buf.length && heads.length < 1000) {
      const nl = buf.indexOf(LF, s)
      heads.push(byteString(buf, s, Math.min(nl < 0 ? buf.length : nl, s + HEAD)))
      if (nl < 0) break
      s = nl + 1
    }
    const format = sniffFormat(heads, now)
    if (format) return format
  }
  throw new NoTimestampsError('no line of this file starts with a timestamp of a known format')
}

/**
 * The offset of the first line at or after `target` (epoch ms), or the end of the history when
 * every line is earlier. Throws NoTimestampsError when no format is recognised.
 */
export async function seekTime(
  reader: ByteRangeReader,
  target: number,
  now = Date.now()
): Promise<{ offset: number; format: TimeFormat | null }> {
  if (reader.size === 0) return { offset: 0, format: null }
  const format = await historyFormat(reader, now)
  const parse = stampParser(format, now)
  const exact = await lowerBound(reader, parse, target)
  const early = await lowerBound(reader, parse, target - SLACK_MS)
  // A busy log holds more than LINEAR bytes in SLACK_MS: disorder that small is not resolved.
  if (exact - early > LINEAR) return { offset: exact, format }
  const inOrder = await firstStamped(reader, early, exact + 1, parse, (t) => t >= target)
  return { offset: inOrder ? inOrder.start : exact, format }
}
