/**
 * @module Incremental bytes → lines, with file offsets.
 *
 * Split on '\n' in bytes (0x0A never occurs inside a UTF-8 sequence) and decode whole lines, so
 * chunk boundaries never break a character. A partial line is held until its newline arrives;
 * a line longer than maxLineBytes is cut into pieces marked `cont` (never dropped, never blocking),
 * which also bounds the memory a single line can take.
 */
import type { LogLine } from './types.js'

export interface SplitterOptions {
  /** Longest piece emitted, in bytes (default 64 KiB). */
  maxLineBytes?: number
  /** Strip one '\r' right before '\n' (default true). A lone '\r' stays. */
  stripCR?: boolean
}

const LF = 0x0a
const CR = 0x0d

export class LineSplitter {
  readonly maxLineBytes: number
  readonly stripCR: boolean
  private readonly decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })
  private pending: Uint8Array[] = []
  private pendingLen = 0
  private lineStart: number
  private skipNul = false

  constructor(offset: number, opts: SplitterOptions = {}) {
    this.maxLineBytes = Math.max(4, opts.maxLineBytes ?? 64 * 1024)
    this.stripCR = opts.stripCR ?? true
    this.lineStart = offset
  }

  /** File offset of the first byte not yet emitted: where a resume would start. */
  get offset(): number {
    return this.lineStart
  }

  /** File offset just past everything pushed so far (offset + held partial line). */
  get end(): number {
    return this.lineStart + this.pendingLen
  }

  /** Bytes held for an incomplete line. */
  get pendingBytes(): number {
    return this.pendingLen
  }

  /** Forget any held bytes and continue at `offset` (after truncation or rotation). */
  reset(offset: number, skipLeadingNul = false): void {
    this.pending = []
    this.pendingLen = 0
    this.lineStart = offset
    this.skipNul = skipLeadingNul
  }

  /** Feeds the bytes that follow `end`; returns the lines completed by them. */
  push(chunk: Uint8Array): LogLine[] {
    const out: LogLine[] = []
    let pos = 0
    if (this.skipNul) {
      // A writer without O_APPEND keeps writing at its old offset after copytruncate, leaving a
      // hole of NULs before its next line; those bytes are not log content.
      while (pos < chunk.length && chunk[pos] === 0) pos++
      this.lineStart += pos
      if (pos < chunk.length) this.skipNul = false
    }
    while (pos < chunk.length) {
      const nl = chunk.indexOf(LF, pos)
      if (nl === -1) {
        this.hold(chunk.subarray(pos), out)
        break
      }
      let line = chunk.subarray(pos, nl)
      if (this.pendingLen > 0) line = this.takePending(line)
      this.emit(line, true, out)
      this.lineStart += 1 // the '\n'
      pos = nl + 1
    }
    return out
  }

  /** Emits the held partial line, if any (the file ended without a newline for good). */
  flush(): LogLine | null {
    if (this.pendingLen === 0) return null
    const out: LogLine[] = []
    this.emit(this.takePending(new Uint8Array(0)), false, out)
    return out[0] ?? null
  }

  private hold(bytes: Uint8Array, out: LogLine[]): void {
    if (bytes.length === 0) return
    // Copy (not Buffer#slice, which shares memory): the caller reuses its read buffer.
    this.pending.push(new Uint8Array(bytes))
    this.pendingLen += bytes.length
    if (this.pendingLen > this.maxLineBytes) {
      const all = this.takePending(new Uint8Array(0))
      let at = 0
      while (all.length - at > this.maxLineBytes) {
        const cut = at + safeCut(all, at, this.maxLineBytes)
        this.piece(all.subarray(at, cut), true, out)
        at = cut
      }
      const rest = new Uint8Array(all.subarray(at))
      this.pending = [rest]
      this.pendingLen = rest.length
    }
  }

  private takePending(tail: Uint8Array): Uint8Array {
    const all = new Uint8Array(this.pendingLen + tail.length)
    let at = 0
    for (const p of this.pending) {
      all.set(p, at)
      at += p.length
    }
    all.set(tail, at)
    this.pending = []
    this.pendingLen = 0
    return all
  }

  /** Emits one complete line (terminated or flushed), cutting it into pieces if it is too long. */
  private emit(line: Uint8Array, terminated: boolean, out: LogLine[]): void {
    let at = 0
    while (line.length - at > this.maxLineBytes) {
      const cut = at + safeCut(line, at, this.maxLineBytes)
      this.piece(line.subarray(at, cut), true, out)
      at = cut
    }
    let last = line.subarray(at)
    const len = last.length
    if (terminated && this.stripCR && len > 0 && last[len - 1] === CR)
      last = last.subarray(0, len - 1)
    out.push({ text: this.decoder.decode(last), offset: this.lineStart })
    this.lineStart += len
  }

  private piece(bytes: Uint8Array, cont: boolean, out: LogLine[]): void {
    const line: LogLine = { text: this.decoder.decode(bytes), offset: this.lineStart }
    if (cont) line.cont = true
    out.push(line)
    this.lineStart += bytes.length
  }
}

/**
 * Length of the next piece of `buf` starting at `at`, at most `max`: backs up over UTF-8
 * continuation bytes so no character is split, and never ends a piece on a '\r' that may be the
 * first half of a CRLF.
 */
export function safeCut(buf: Uint8Array, at: number, max: number): number {
  let n = max
  const limit = Math.max(1, max - 3)
  while (n > limit && ((buf[at + n] as number) & 0xc0) === 0x80) n--
  if (((buf[at + n] as number) & 0xc0) === 0x80) n = max // not UTF-8 after all: cut anywhere
  if (n > 1 && buf[at + n - 1] === CR) n--
  return n
}
