/**
 * @module Ring of recent encoded frames, so a reconnecting client resumes from memory and a
 * skipping client gets recent context without the server re-reading the file.
 *
 * Frames are looked up by their SSE id (the opaque cursor string, compared, never parsed) or by
 * their sequence number (monotonic over the ring's life). A cursor that is not in the ring is not
 * an error: the caller falls back to the LogSource.
 */
import { concat } from './sse-frame.js'

export interface Frame {
  id: string
  bytes: Uint8Array
  lines: number
  /** Bytes of line data the frame carries (0 for markers). */
  lineBytes: number
  /** A rotate/truncate marker: the cursor at the start of the file that follows it. */
  start?: string
  /** Late lines of a rotated-away file: their id is a cursor into that other file. */
  previous?: true
}

export class FrameRing {
  #frames: (Frame | undefined)[]
  #start = 0
  #count = 0
  #bytes = 0
  /** Sequence number of the next frame; `#index.get(id)` is the newest frame with that id. */
  #next = 0
  #index = new Map<string, number>()

  constructor(
    readonly maxFrames = 4096,
    readonly maxBytes = 8 * 1024 * 1024
  ) {
    this.#frames = new Array(Math.max(1, maxFrames))
  }

  get size(): number {
    return this.#count
  }

  get bytes(): number {
    return this.#bytes
  }

  /** Sequence number the next pushed frame gets. */
  get nextSeq(): number {
    return this.#next
  }

  /** Sequence number of the oldest frame still held. */
  get firstSeq(): number {
    return this.#next - this.#count
  }

  /** The id of the newest frame, if any. */
  get newestId(): string | undefined {
    return this.at(this.#next - 1)?.id
  }

  /** The frame with this sequence number, if still held. */
  at(seq: number): Frame | undefined {
    if (seq < this.firstSeq || seq >= this.#next) return undefined
    return this.#frames[(this.#start + (seq - this.firstSeq)) % this.#frames.length]
  }

  push(frame: Frame): number {
    const cap = this.#frames.length
    if (this.#count === cap) this.#shift()
    this.#frames[(this.#start + this.#count) % cap] = frame
    this.#count++
    this.#bytes += frame.bytes.byteLength
    this.#index.set(frame.id, this.#next++)
    // Keep at least the newest frame even when it alone exceeds maxBytes.
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#shift()
    return this.#next - 1
  }

  /**
   * Everything after the newest frame with this id, concatenated; undefined if the id is not in
   * the ring or if more than maxBytes follow it (the caller then pages from the file instead).
   */
  after(id: string, maxBytes = Infinity): Uint8Array | undefined {
    const n = this.#index.get(id)
    if (n === undefined || n < this.firstSeq) return undefined
    return this.from(n + 1, maxBytes)
  }

  /** Frames from sequence number `seq` on (those `keep` accepts), concatenated; undefined past maxBytes. */
  from(seq: number, maxBytes = Infinity, keep?: (f: Frame) => boolean): Uint8Array | undefined {
    const out: Uint8Array[] = []
    let size = 0
    for (let i = Math.max(seq, this.firstSeq); i < this.#next; i++) {
      const f = this.at(i) as Frame
      if (keep && !keep(f)) continue
      size += f.bytes.byteLength
      if (size > maxBytes) return undefined
      out.push(f.bytes)
    }
    return concat(out.length ? out : [new Uint8Array(0)])
  }

  /**
   * The start of the newest frames, from `minSeq` on, that hold at most `maxLineBytes` of line
   * data: the recent context a skipping client is given. The frame before the returned sequence
   * number is always held (its id is where the skip ends) and is not a `previous` frame, whose id
   * points into another file.
   */
  tailStart(minSeq: number, maxLineBytes: number): number {
    const floor = Math.max(minSeq, this.firstSeq + 1)
    let k = this.#next
    let sum = 0
    while (k > floor) {
      const f = this.at(k - 1) as Frame
      if (f.start !== undefined || sum + f.lineBytes > maxLineBytes) break
      sum += f.lineBytes
      k--
    }
    while (k > floor && (this.at(k - 1) as Frame).previous) k--
    return Math.max(k, minSeq)
  }

  clear(): void {
    while (this.#count) this.#shift()
  }

  #shift(): void {
    const cap = this.#frames.length
    const f = this.#frames[this.#start] as Frame
    const n = this.firstSeq
    this.#frames[this.#start] = undefined
    this.#start = (this.#start + 1) % cap
    this.#count--
    this.#bytes -= f.bytes.byteLength
    if (this.#index.get(f.id) === n) this.#index.delete(f.id)
  }
}
