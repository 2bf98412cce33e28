/**
 * @module One file's part of a merged client: the sink its hub writes to, and the reading of
 * what it writes into the merge queue with each line's position (core/merged-cursor.ts).
 *
 * The sink is behind (write false, bufferedBytes high) when the merged client's socket is, or
 * when the merge holds more than a low-water mark of this file: the file's own flow control then
 * paces, skips or drops exactly as for a slow single-file client.
 */
import type { FilePosition } from '../core/merged-cursor.js'
import { InitHold } from './merge-point.js'
import type { FileState, MergeItem, MergeQueue } from './merge-queue.js'
import type { InnerStream, MergedHost } from './merged-types.js'
import type { SseSink } from './sink.js'
import { SseReader } from './sse-parse.js'

/** Gap events passed on in the file's place; `state` keeps its position (it has none of its own). */
const PASSED = new Set(['rotate', 'truncate', 'skipped', 'reset', 'state'])

export class MergedInput {
  stream: InnerStream | undefined
  done = false
  readonly sink: SseSink
  #received: FilePosition
  /** Lines the merged cursor said were delivered after its file cursor: not sent again. */
  #skip: number
  #reader = new SseReader()
  #drains: (() => void)[] = []
  #closes: (() => void)[] = []
  #wantsDrain = false
  /** A fresh view holds what the file sends until the merge point (merge-point.ts); then null. */
  hold: InitHold | null

  constructor(
    readonly index: number,
    readonly id: string,
    readonly start: FilePosition,
    readonly queue: MergeQueue,
    readonly host: MergedHost,
    holdInit: boolean
  ) {
    this.hold = holdInit ? new InitHold() : null
    this.#received = start
    this.#skip = start.cursor ? start.k : 0
    const owner = this.host
    const files = this.queue
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this
    this.sink = {
      write: (bytes) => this.#write(bytes),
      get bufferedBytes() {
        return owner.outer.bufferedBytes + files.bytesOf(index) + (self.hold?.bytes ?? 0)
      },
      close: () => this.#ended(),
      destroy: () => this.#ended(),
      onDrain: (l) => void this.#drains.push(l),
      onClose: (l) => void this.#closes.push(l),
    }
  }

  get state(): FileState {
    if (this.done || this.stream?.closed) return 'done'
    return this.stream?.live ? 'live' : 'joining'
  }

  /** The client fell behind after this file wrote: its stream is told when it drains. */
  behind(): void {
    this.#wantsDrain = true
  }

  /** Tells the file's stream it may write again once the merge has room for it. */
  maybeDrain(lagging: boolean, lowWater: number): void {
    if (!this.#wantsDrain || lagging || this.queue.bytesOf(this.index) > lowWater) return
    this.#wantsDrain = false
    queueMicrotask(() => {
      for (const l of this.#drains) l()
    })
  }

  /** Ends the hold: see merge-point.ts. Returns where the view starts in this file. */
  release(point: number): FilePosition | undefined {
    const hold = this.hold
    if (!hold) return undefined
    this.hold = null
    const now = this.host.o.now()
    return hold.release(point, (item) => this.queue.push(this.index, item, now))
  }

  /** The merged client ended: the file's stream ends too. */
  close(): void {
    if (this.done && this.#closes.length === 0) return
    this.done = true
    const closes = this.#closes
    this.#closes = []
    for (const l of closes) l()
  }

  #write(bytes: Uint8Array): boolean {
    if (this.done || this.host.closed) return false
    for (const ev of this.#reader.read(bytes)) this.#event(ev.name, ev.data, ev.id)
    this.host.received()
    // What the merge holds of this file is about to be written: it counts as unsent.
    const held = this.queue.bytesOf(this.index) + (this.hold?.bytes ?? 0)
    const room = !this.host.lagging && held <= this.host.o.lowWaterBytes
    if (!room) this.#wantsDrain = true
    return room
  }

  #event(name: string, data: Record<string, unknown>, id: string | undefined): void {
    const now = this.host.o.now()
    if (name === 'init') {
      const first = typeof data.first === 'string' ? data.first : ''
      if (this.hold && !this.hold.seen) {
        const lines = Array.isArray(data.lines) ? data.lines.map(String) : []
        this.hold.init(first, lines, lines.length - this.#skip)
      }
      return this.#lines(data.lines, { cursor: first, k: 0 }, id, now)
    }
    if (name === 'update') return this.#lines(data.lines, this.#received, id, now)
    if (name === 'dropped') return this.host.dropped(data)
    if (name === 'gone') return void (this.done = true)
    if (name === '' && Object.keys(data).length === 0) return this.host.idle()
    if (!PASSED.has(name)) return
    if (name === 'reset' || name === 'skipped') this.#skip = 0
    const pos = id && name !== 'state' ? { cursor: id, k: 0 } : this.#received
    this.#push({ kind: 'event', name, data, pos }, now)
    this.#received = pos
  }

  #push(item: MergeItem, now: number): void {
    if (this.hold) this.hold.add(item)
    else this.queue.push(this.index, item, now)
  }

  #lines(lines: unknown, base: FilePosition, id: string | undefined, now: number): void {
    const arr = Array.isArray(lines) ? lines : []
    const n = arr.length
    for (let j = 0; j < n; j++) {
      if (this.#skip > 0) {
        this.#skip--
        continue
      }
      const pos =
        j === n - 1 && id
          ? { cursor: id, k: 0 }
          : base.cursor
            ? { cursor: base.cursor, k: base.k + j + 1 }
            : this.#received
      this.#push({ kind: 'line', text: String(arr[j]), pos }, now)
    }
    if (id) this.#received = { cursor: id, k: 0 }
    else if (n && base.cursor) this.#received = { cursor: base.cursor, k: base.k + n }
  }

  #ended(): void {
    if (this.done && this.#closes.length === 0) return
    this.close()
    this.host.inputEnded()
  }
}
