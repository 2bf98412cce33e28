/**
 * @module Ring of recent encoded frames, so a reconnecting client resumes from memory.
 *
 * Frames are looked up by their SSE id (the opaque cursor string, compared, never parsed). A
 * cursor that is not in the ring is not an error: the caller falls back to the LogSource.
 */
import { concat } from './sse-frame.js'

export interface Frame {
  id: string
  bytes: Uint8Array
}

export class FrameRing {
  #frames: (Frame | undefined)[]
  #start = 0
  #count = 0
  #bytes = 0
  /** Monotonic index of the next frame; `#index.get(id)` is the newest frame with that id. */
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

  /** The id of the newest frame, if any. */
  get newestId(): string | undefined {
    if (this.#count === 0) return undefined
    return (this.#frames[(this.#start + this.#count - 1) % this.#frames.length] as Frame).id
  }

  push(frame: Frame): void {
    const cap = this.#frames.length
    if (this.#count === cap) this.#shift()
    this.#frames[(this.#start + this.#count) % cap] = frame
    this.#count++
    this.#bytes += frame.bytes.byteLength
    this.#index.set(frame.id, this.#next++)
    // Keep at least the newest frame even when it alone exceeds maxBytes.
    while (this.#bytes > this.maxBytes && this.#count > 1) this.#shift()
  }

  /** Everything after the newest frame with this id, concatenated; undefined if not in the ring. */
  after(id: string): Uint8Array | undefined {
    const n = this.#index.get(id)
    if (n === undefined) return undefined
    const first = this.#next - this.#count
    if (n < first) return undefined
    const out: Uint8Array[] = []
    for (let i = n + 1; i < this.#next; i++) {
      out.push((this.#frames[(this.#start + (i - first)) % this.#frames.length] as Frame).bytes)
    }
    return concat(out.length ? out : [new Uint8Array(0)])
  }

  clear(): void {
    while (this.#count) this.#shift()
  }

  #shift(): void {
    const cap = this.#frames.length
    const f = this.#frames[this.#start] as Frame
    const n = this.#next - this.#count
    this.#frames[this.#start] = undefined
    this.#start = (this.#start + 1) % cap
    this.#count--
    this.#bytes -= f.bytes.byteLength
    if (this.#index.get(f.id) === n) this.#index.delete(f.id)
  }
}
