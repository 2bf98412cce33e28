/**
 * @module ByteRangeReader: the raw bytes of one run of a log's history, for scanners that work
 * on large chunks of bytes (search, jump to a time) instead of decoded lines.
 *
 * Kept this small so that any run of history can be scanned the same way: the current file, a
 * rotated sibling, or a decompressed archive only have to read a range and name an offset.
 */
import type { Stale } from './log-source.js'

export interface ByteRangeReader {
  /** Bytes readable: [0, size) is complete history (the committed end for a followed file). */
  readonly size: number
  /** The follower's line limit: longer lines were delivered as pieces of this many bytes. */
  readonly maxLineBytes: number
  /** Bytes [pos, pos + len); fewer only when the history shrank under us (then it is stale). */
  read(pos: number, len: number): Promise<Uint8Array>
  /**
   * The cursor at `offset`. `known` holds bytes already read at `at`, so the bytes just before
   * the offset need not be read again. Null when the history no longer has those bytes.
   */
  cursorAt(offset: number, known?: { buf: Uint8Array; at: number }): Promise<string | null>
  /** The offset of a cursor handed out for this history, or why it is not usable here. */
  offsetOf(cursor: string): Promise<number | Stale>
}
