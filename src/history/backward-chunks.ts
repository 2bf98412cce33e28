/**
 * @module Regions of whole lines read backwards from an offset: what a newest-first scan
 * searches, one large read at a time.
 *
 * The bytes before the first '\n' of a read belong to a line that starts earlier; they are left
 * for the next (earlier) read rather than tested as half a line, the bug of the page-at-a-time
 * search. A line longer than the read grows it (doubling) up to `maxBytes`; a line longer still
 * comes as pieces of that size (`piece`), the way the follower cuts long lines, so what one
 * step holds is bounded whatever the file holds.
 */
import type { ByteRangeReader } from '../core/byte-range.js'
import { LF } from './bytes.js'

export interface Region {
  /** File offsets of buf[0] and just past its end. */
  from: number
  to: number
  buf: Uint8Array
  /** The region is part of one line that starts before `from` and is longer than maxBytes. */
  piece: boolean
}

export interface ChunkOptions {
  /** Size of each read (default 4 MiB). */
  chunkBytes?: number
  /** Longest region: a longer line comes in pieces (default 16 MiB). */
  maxBytes?: number
}

/** The history shrank under the scan (truncated or replaced): its cursors mean nothing now. */
export class HistoryGoneError extends Error {
  readonly code = 'stale'
  constructor(readonly offset: number) {
    super(`history shorter than ${offset} bytes: truncated while read`)
  }
}

export class BackwardChunks {
  private to: number
  readonly chunkBytes: number
  readonly maxBytes: number

  constructor(
    private readonly reader: ByteRangeReader,
    end: number,
    opts: ChunkOptions = {}
  ) {
    this.to = end
    this.chunkBytes = Math.max(1, opts.chunkBytes ?? 4 * 1024 * 1024)
    this.maxBytes = Math.max(this.chunkBytes, opts.maxBytes ?? 16 * 1024 * 1024)
  }

  /** Offset the scan has reached: everything from here to the end has been returned. */
  get position(): number {
    return this.to
  }

  /** Goes on from `offset` (a line start inside the last region) instead of its start. */
  resume(offset: number): void {
    this.to = offset
  }

  /** The next region going back, or null at the start of the history. */
  async next(): Promise<Region | null> {
    const to = this.to
    if (to <= 0) return null
    for (let size = this.chunkBytes; ; size = Math.min(size * 2, this.maxBytes)) {
      const from = Math.max(0, to - size)
      const buf = await this.reader.read(from, to - from)
      if (buf.length < to - from) throw new HistoryGoneError(to)
      if (from === 0) return this.take(0, to, buf, false)
      const nl = buf.indexOf(LF)
      // A '\n' only as the last byte ends the line that starts before `from`: nothing whole yet.
      if (nl >= 0 && nl + 1 < buf.length)
        return this.take(from + nl + 1, to, buf.subarray(nl + 1), false)
      if (size >= this.maxBytes) return this.take(from, to, buf, true)
    }
  }

  private take(from: number, to: number, buf: Uint8Array, piece: boolean): Region {
    this.to = from
    return { from, to, buf, piece }
  }
}
