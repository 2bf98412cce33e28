/**
 * @module Scrollback over any ByteRangeReader (a rotated sibling, plain or decompressed): the
 * last `n` lines before an offset, read backwards (core/backward-window.ts), split the way the
 * follower split them (same line limit, same pieces), so a sibling's lines read exactly as they
 * were streamed.
 *
 * The same contract as LogSource.readBefore: at most maxBytes of the file, a cut oldest line
 * marked `cont`, `first` the cursor of the oldest line returned.
 */
import { backwardWindow } from '../core/backward-window.js'
import type { ByteRangeReader } from '../core/byte-range.js'
import { LineSplitter } from '../core/line-splitter.js'
import type { LinesResult } from '../core/types.js'

const CHUNK = 64 * 1024
/** The reader's bytes ran out under the scan (the sibling shrank or went away). */
const GONE = Symbol('gone')

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
  const window = await backwardWindow(
    async (into, at, len, position) => {
      const got = await reader.read(position, len)
      if (got.length < len) throw GONE
      into.set(got, at)
    },
    end,
    n,
    Math.max(1, maxBytes),
    CHUNK,
    (size) => new Uint8Array(size)
  ).catch((e: unknown) => {
    if (e === GONE) return null
    throw e
  })
  if (!window) return null
  const { start, data, hitLimit } = window
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
