/**
 * @module Scrollback over any ByteRangeReader (a rotated sibling, plain or decompressed): the
 * last `n` lines before an offset, read backwards in chunks, split the way the follower split
 * them (same line limit, same pieces), so a sibling's lines read exactly as they were streamed.
 *
 * The same contract as LogSource.readBefore: at most maxBytes of the file, a cut oldest line
 * marked `cont`, `first` the cursor of the oldest line returned.
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import { LineSplitter } from '../core/line-splitter.js'
import type { LinesResult } from '../core/types.js'
import { LF } from './bytes.js'

const CHUNK = 64 * 1024

/** Lines ending at `end` (a line boundary); null when the reader's bytes are gone. */
export async function linesBefore(
  reader: ByteRangeReader,
  end: number,
  endCursor: string,
  n: number,
  maxBytes: number,
  stripCR: boolean
): Promise<LinesResult | null> {
  if (n <= 0 || end === 0) return { lines: [], first: endCursor, last: endCursor, more: end > 0 }
  const max = Math.max(1, maxBytes)
  // The '\n' just before the window's start may sit one byte below it.
  const lowest = Math.max(0, end - max - 1)
  const parts: Uint8Array[] = []
  let pos = end
  let seen = 0
  let found = -1
  while (pos > lowest && found < 0) {
    const from = Math.max(lowest, pos - CHUNK)
    const buf = await reader.read(from, pos - from)
    if (buf.length < pos - from) return null
    parts.unshift(buf)
    for (let p = buf.length - 1; p >= 0; p--) {
      p = buf.lastIndexOf(LF, p)
      if (p < 0) break
      if (++seen === n + 1) {
        found = from + p
        break
      }
    }
    pos = from
  }
  let start = 0
  let hitLimit = false
  if (found >= 0) start = found + 1
  else if (end - max > 0) {
    start = end - max
    hitLimit = true
  }
  const data = join(parts, pos, start, end)
  const splitter = new LineSplitter(start, { maxLineBytes: reader.maxLineBytes, stripCR })
  const lines = splitter.push(data)
  const rest = splitter.flush()
  if (rest) lines.push({ ...rest, cont: true })
  if (hitLimit && lines[0]) lines[0].cont = true
  const kept = lines.length > n ? lines.slice(lines.length - n) : lines
  const firstOffset = kept[0]?.offset ?? end
  const first = await reader.cursorAt(firstOffset, { buf: data, at: start })
  if (first === null) return null
  return { lines: kept, first, last: endCursor, more: firstOffset > 0 }
}

/** Bytes [start, end) of the parts read back from `pos`. */
function join(parts: Uint8Array[], pos: number, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start)
  let at = pos
  for (const p of parts) {
    const from = Math.max(at, start)
    const to = Math.min(at + p.length, end)
    if (to > from) out.set(p.subarray(from - at, to - at), from - start)
    at += p.length
  }
  return out
}
