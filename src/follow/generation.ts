/**
 * @module One generation of a followed path: a numbered run of bytes in one open file, and the
 * read position in it.
 *
 * Each rotation, recreation or truncation starts a new generation with a new number; a truncation
 * keeps the same OpenFile (same handle, same identity). The number and the file never change, and
 * the position moves only through readBatch, so a cursor handed out for one generation can never
 * be mistaken for a position in another: reads (resume, scrollback, download) look the number up,
 * and a number from before a truncation no longer resolves.
 */
import type { FileHandle } from 'node:fs/promises'
import { fingerprint, fingerprintRanges, formatCursor, HEAD_BYTES } from '../core/cursor.js'
import { LineSplitter, type SplitterOptions } from '../core/line-splitter.js'
import type { LogLine } from '../core/types.js'
import type { OpenFile } from './open-file.js'
import { readExact } from './read-exact.js'

export interface Batch {
  lines: LogLine[]
  start: number
  end: number
  /** Bytes consumed from the file by this read. */
  bytes: number
  /** The read came back short: nothing more to read right now. */
  eof: boolean
}

export interface Truncation {
  truncated: 'size' | 'marker'
}

/** Bytes before the read offset re-checked on every read (Fluent Bit uses 32). */
export const MARKER_BYTES = 32

function sameBytes(buf: Buffer, len: number, marker: Uint8Array): boolean {
  if (marker.length !== len) return false
  for (let i = 0; i < len; i++) if (buf[i] !== marker[i]) return false
  return true
}

export class Generation {
  private readonly splitter: LineSplitter
  /**
   * The committed position and its fingerprint: just past the last line handed to consumers.
   * Both change together, synchronously, so a cursor never pairs an offset with another offset's
   * fingerprint (the splitter runs ahead while a fingerprint is being read).
   */
  private _offset: number
  private fp: string
  /** The first HEAD_BYTES of this generation, once read: they never change within it. */
  private head: Buffer | null = null
  /** The MARKER_BYTES just before splitter.end, as we read them. */
  private marker: Uint8Array = new Uint8Array(0)

  /** A generation at `offset` of `file`; `afterTruncation` skips the NULs a writer left. */
  static async open(
    gen: number,
    file: OpenFile,
    offset: number,
    opts: SplitterOptions & { skipLeadingNul?: boolean },
    afterTruncation = false
  ): Promise<Generation> {
    const g = new Generation(gen, file, offset, opts, afterTruncation && !!opts.skipLeadingNul)
    g.marker = await readExact(file.fh, Math.max(0, offset - MARKER_BYTES), offset)
    g.fp = (await g.fingerprintAt(offset)) ?? g.fp
    return g
  }

  private constructor(
    readonly gen: number,
    readonly file: OpenFile,
    offset: number,
    opts: SplitterOptions,
    skipLeadingNul: boolean
  ) {
    this.splitter = new LineSplitter(offset, opts)
    if (skipLeadingNul) this.splitter.reset(offset, true)
    this._offset = offset
    this.fp = file.zeroFingerprint
  }

  get fh(): FileHandle {
    return this.file.fh
  }

  get size(): number {
    return this.file.size
  }

  get offset(): number {
    return this._offset
  }

  get cursor(): string {
    return formatCursor(this._offset, this.fp)
  }

  /** Offset just past every byte read, including a held partial line. */
  get consumed(): number {
    return this.splitter.end
  }

  /**
   * The held unterminated line, once no more bytes will follow it here (the file went away or
   * was truncated): consumers get it flagged partial. The committed position stays where it was.
   */
  flushPartial(): Batch | null {
    const rest = this.splitter.flush()
    if (!rest) return null
    const end = this.splitter.offset
    return { lines: [{ ...rest, partial: true }], start: rest.offset, end, bytes: 0, eof: true }
  }

  /** Fingerprint at `offset`, reusing bytes just read when they cover the range; null if short. */
  async fingerprintAt(
    offset: number,
    known?: { buf: Uint8Array; at: number }
  ): Promise<string | null> {
    if (offset === 0) return this.file.zeroFingerprint
    const { headEnd, tailStart } = fingerprintRanges(offset)
    let head: Uint8Array
    if (this.head && headEnd <= this.head.length) head = this.head.subarray(0, headEnd)
    else {
      head = await readExact(this.fh, 0, headEnd)
      if (head.length === HEAD_BYTES) this.head = Buffer.from(head)
    }
    let tail: Uint8Array
    if (known && tailStart >= known.at && offset <= known.at + known.buf.length) {
      tail = known.buf.subarray(tailStart - known.at, offset - known.at)
    } else tail = await readExact(this.fh, tailStart, offset)
    if (head.length !== headEnd || tail.length !== offset - tailStart) return null
    return fingerprint(head, tail)
  }

  /**
   * Reads what follows the consumed bytes, splits it and commits the new position, in ONE pread
   * that also re-reads the MARKER_BYTES just before our read offset: if those came back short
   * or different, the file was truncated (and maybe regrown) under us. No fstat is needed on
   * the hot path, which keeps notification-to-lines latency to one thread-pool round trip.
   */
  async readBatch(maxBytes: number, buf: Buffer, sync: boolean): Promise<Batch | Truncation> {
    const at = this.splitter.end
    const mStart = Math.max(0, at - MARKER_BYTES)
    const mLen = at - mStart
    const want = Math.min(buf.length, mLen + maxBytes)
    const read = this.file.read(buf, want, mStart, sync)
    const bytesRead = typeof read === 'number' ? read : await read
    if (bytesRead < mLen) return { truncated: 'size' }
    if (!sameBytes(buf, mLen, this.marker)) return { truncated: 'marker' }
    const start = this.splitter.offset
    const eof = bytesRead < want
    if (bytesRead === mLen) return { lines: [], start, end: start, bytes: 0, eof }
    const chunk = buf.subarray(mLen, bytesRead)
    const lines = this.splitter.push(chunk)
    const consumed = this.splitter.end
    this.marker = Buffer.from(
      buf.subarray(Math.max(0, consumed - MARKER_BYTES - mStart), bytesRead)
    )
    this.file.sawBytes(consumed)
    const end = this.splitter.offset
    if (lines.length > 0) {
      const fp = await this.fingerprintAt(end, { buf: buf.subarray(0, bytesRead), at: mStart })
      if (fp === null) return { truncated: 'size' }
      this._offset = end
      this.fp = fp
    }
    return { lines, start, end, bytes: chunk.length, eof }
  }

  /** True when the first bytes of the file are no longer those we fingerprinted. */
  async headChanged(): Promise<boolean> {
    if (!this.head) return false
    const now = await readExact(this.fh, 0, this.head.length)
    return !now.equals(this.head)
  }

  /** Keeps the handle open during a read that may outlive the generation. */
  acquire(): () => void {
    return this.file.acquire()
  }
}
