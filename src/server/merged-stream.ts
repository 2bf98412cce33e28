/**
 * @module One client of the merged view (`/events?file=*`): every file it may read, interleaved
 * by timestamp, resumable by one merged cursor.
 *
 * Each file is joined as an ordinary client of its own hub through an inner sink, so catch-up,
 * pacing, skip-ahead and drops are exactly the single-file ones. An inner sink's buffered bytes
 * are the client's socket plus what the merge holds of that file, so a merged client that cannot
 * keep up slows, skips or drops per file like any other; nothing here grows with the input:
 * the merge holds at most its bound, and a dropped client resumes from the file by cursor.
 */
import {
  formatMergedCursor,
  MAX_MERGED_FILES,
  parseMergedCursor,
  type FilePosition,
} from '../core/merged-cursor.js'
import { mergePoint } from './merge-point.js'
import { MergeQueue, type FileState } from './merge-queue.js'
import { encodeMerged, mergedFrames } from './merged-frames.js'
import { MergedInput } from './merged-input.js'
import { MergedOutput } from './merged-output.js'
import type { MergedFile, MergedOptions } from './merged-types.js'
import type { SseSink } from './sink.js'
import { concat, encodeRetry } from './sse-frame.js'

/** Frames written per turn before yielding, so one client's burst never holds the loop long. */
const FRAMES_PER_TURN = 8
/**
 * Files' flushes within this many ms go out as one frame: each hub flushes on its own turn,
 * and a frame per flush per file would cost the client (and us) an event each.
 */
const COALESCE_MS = 10

export class MergedStream {
  readonly #queue: MergeQueue
  readonly #inputs: MergedInput[]
  readonly #sent = new Map<string, FilePosition>()
  readonly #ids: string[]
  readonly #out: MergedOutput
  #closed = false
  #timer: ReturnType<typeof setTimeout> | null = null
  #soon: ReturnType<typeof setTimeout> | null = null
  #unwatch: (() => void) | null = null
  #discover: (() => readonly MergedFile[]) | null = null
  readonly #req: { skip?: number }
  /** A fresh view: the init goes out once every file's init is in (see #mergePoint). */
  #initPending: boolean
  readonly #startedAt: number

  constructor(
    files: readonly MergedFile[],
    readonly outer: SseSink,
    req: { cursor?: string; skip?: number },
    readonly o: MergedOptions,
    /** The files the request may read now, and changes to them: new ones join while open. */
    discover?: {
      files: () => readonly MergedFile[]
      watch: (fn: () => void) => () => void
    }
  ) {
    this.#req = { skip: req.skip }
    this.#ids = files.map((f) => f.id)
    this.#queue = new MergeQueue(files.length, o)
    outer.onClose(() => this.#end())
    this.#out = new MergedOutput(outer, o, {
      behind: () => this.#inputs?.forEach((i) => i.behind()),
      drained: () => this.pump(),
      timedOut: () =>
        this.dropped({ reason: 'drain', queuedBytes: outer.bufferedBytes + this.#queue.bytes }),
    })
    this.#write(encodeRetry(o.retryMs, o.retrySpreadMs))
    const from = req.cursor === undefined ? undefined : parseMergedCursor(req.cursor)
    if (req.cursor !== undefined && !from) {
      this.#write(encodeMerged('reset', { reason: 'malformed' }))
    }
    this.#initPending = !from
    this.#startedAt = o.now()
    this.#inputs = files.map((f, i) => {
      const pos = from?.get(f.id) ?? { cursor: '', k: 0 }
      this.#sent.set(f.id, pos)
      return new MergedInput(i, f.id, pos, this.#queue, this, !from)
    })
    files.forEach((f, i) => {
      const input = this.#inputs[i] as MergedInput
      const cursor = input.start.cursor || undefined
      input.stream = f.hub.attach(input.sink, { lines: f.lines, cursor, skip: req.skip })
    })
    if (discover) {
      this.#discover = discover.files
      this.#unwatch = discover.watch(() => this.#join(discover.files()))
    }
    this.pump()
  }

  /**
   * Files not merged yet join as a resumed view's do: their stream's first lines (the file from
   * its start of following, up to `lines`) and live, with their place in the merged cursor.
   */
  #join(files: readonly MergedFile[]): void {
    if (this.#closed || this.#initPending) return
    for (const f of files) {
      if (this.#ids.includes(f.id) || this.#ids.length >= MAX_MERGED_FILES) continue
      const index = this.#queue.addFile()
      const start = { cursor: '', k: 0 }
      const input = new MergedInput(index, f.id, start, this.#queue, this, false)
      this.#ids.push(f.id)
      this.#inputs.push(input)
      this.#sent.set(f.id, start)
      input.stream = f.hub.attach(input.sink, { lines: f.lines, skip: this.#req.skip })
    }
  }

  get closed(): boolean {
    return this.#closed
  }

  get lagging(): boolean {
    return this.#out.lagging
  }

  /** Heartbeat from a file's stream: passed on only when the client heard nothing for a while. */
  idle(): void {
    if (!this.#closed) this.#out.idle()
  }

  /** A file's stream dropped its client: the merged client is dropped and resumes by cursor. */
  dropped(data: Record<string, unknown>): void {
    if (this.#closed) return
    this.outer.write(encodeMerged('dropped', data, this.#cursor()))
    this.#end()
  }

  /** A file's stream ended (gone, or dropped after its event): all ended ends the client. */
  inputEnded(): void {
    if (this.#inputs.every((i) => i.done) && this.#queue.empty) this.#end()
    else this.pump()
  }

  /** A file's stream wrote: send soon, together with what the other files write meanwhile. */
  received(): void {
    if (this.#soon || this.#closed) return
    this.#soon = setTimeout(() => {
      this.#soon = null
      this.pump()
    }, COALESCE_MS)
  }

  /** Sends what the merge lets go now, while the client has room. */
  pump(): void {
    if (this.#closed) return
    if (this.#initPending && !this.#mergePoint()) return this.#later()
    for (let n = 0; n < FRAMES_PER_TURN && !this.lagging; n++) {
      const taken = this.#queue.take(this.o.now(), Date.now(), this.#state, this.o.maxEventBytes)
      if (taken.length === 0) break
      const { frames } = mergedFrames(taken, this.#ids, this.#sent)
      if (frames.length) this.#write(concat(frames))
    }
    for (const input of this.#inputs) input.maybeDrain(this.lagging, this.o.lowWaterBytes)
    if (this.#inputs.every((i) => i.done) && this.#queue.empty) return this.#end()
    if (!this.#queue.empty) this.#later()
  }

  #later(): void {
    if (this.#timer) return
    this.#timer = setTimeout(() => {
      this.#timer = null
      this.pump()
    }, this.o.tickMs)
  }

  /** A fresh view's init, at its merge point (merge-point.ts): false while it waits. */
  #mergePoint(): boolean {
    const ins = this.#inputs
    const held = ins.reduce((n, i) => n + (i.hold?.bytes ?? 0), 0)
    const ready = ins.every((i) => i.hold?.seen || i.done)
    if (!ready && this.o.now() - this.#startedAt < this.o.joinHoldMs && held < this.o.maxBytes) {
      return false
    }
    const point = mergePoint(ins.map((i) => i.hold))
    const starts = new Map<string, FilePosition>()
    for (const i of ins) {
      const at = i.release(point)
      if (at) starts.set(i.id, at)
    }
    this.#initPending = false
    const first = starts.size ? formatMergedCursor(starts) : ''
    this.#write(encodeMerged('init', { file: '*', lines: [], first }))
    // Files added while the init was pending were not joined then: once it is out, they are.
    const discover = this.#discover
    if (discover) queueMicrotask(() => this.#join(discover()))
    return true
  }

  readonly #state = (j: number): FileState => (this.#inputs[j] as MergedInput).state

  #cursor(): string {
    return formatMergedCursor(this.#sent)
  }

  #write(bytes: Uint8Array): void {
    if (!this.#closed) this.#out.write(bytes)
  }

  #end(): void {
    if (this.#closed) return
    this.#closed = true
    if (this.#timer) clearTimeout(this.#timer)
    if (this.#soon) clearTimeout(this.#soon)
    this.#unwatch?.()
    this.#timer = this.#soon = this.#unwatch = null
    for (const input of this.#inputs ?? []) input.close()
    this.#out.close()
  }
}
