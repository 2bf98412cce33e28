/**
 * @module The k-way merge of the merged view: per-file queues of received lines (and gap
 * events), taken out in timestamp order with a bounded hold (a watermark).
 *
 * A file's next line may still be on its way (not read yet, or its catch-up not finished), so the
 * earliest held line waits until every other file has a line queued (their heads are no earlier,
 * files being in time order), or the other file is live and the line has waited holdMs (or is
 * older than holdMs, so anything written from now on is later), or the other file is still
 * joining and joinHoldMs passed. Past maxBytes held, the earliest line goes anyway: memory stays
 * bounded, ordering is best effort beyond it. A line without a timestamp takes its
 * predecessor's, so it keeps its place right after it; a file's format is sniffed once and locked.
 */
import type { FilePosition } from '../core/merged-cursor.js'
import { sniffFormat, stampParser, type StampParser } from '../history/time-parse.js'

export type MergeItem =
  | { kind: 'line'; text: string; pos: FilePosition }
  | { kind: 'event'; name: string; data: Record<string, unknown>; pos: FilePosition }

interface Held {
  item: MergeItem
  ts: number
  at: number
  bytes: number
}

export interface MergeOptions {
  holdMs: number
  joinHoldMs: number
  maxBytes: number
}

/** Lines sniffed for a timestamp format before a file counts as having none. */
const SNIFF_LINES = 1000
/** Head of a line handed to the parser: JSON time fields may come after other fields. */
const STAMP_HEAD = 1024

class FileQueue {
  items: Held[] = []
  head = 0
  bytes = 0
  lastTs = -Infinity
  parse: StampParser | null = null
  sniffed = 0
  get empty(): boolean {
    return this.head === this.items.length
  }
  peek(): Held | undefined {
    return this.items[this.head]
  }
  shift(): Held {
    const h = this.items[this.head++] as Held
    this.bytes -= h.bytes
    // Compact now and then rather than shifting the array on every take.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
    return h
  }
}

export class MergeQueue {
  readonly #files: FileQueue[]
  #bytes = 0

  constructor(
    files: number,
    readonly opts: MergeOptions
  ) {
    this.#files = Array.from({ length: files }, () => new FileQueue())
  }

  get bytes(): number {
    return this.#bytes
  }

  /** A file that appeared while the merge runs; returns its index. */
  addFile(): number {
    return this.#files.push(new FileQueue()) - 1
  }

  bytesOf(file: number): number {
    return this.#files[file]?.bytes ?? 0
  }

  get empty(): boolean {
    return this.#files.every((f) => f.empty)
  }

  push(file: number, item: MergeItem, now: number): void {
    const q = this.#files[file] as FileQueue
    const bytes = item.kind === 'line' ? item.text.length + 8 : 64
    if (item.kind === 'line') q.lastTs = this.#stamp(q, item.text) ?? q.lastTs
    q.items.push({ item, ts: q.lastTs, at: now, bytes })
    q.bytes += bytes
    this.#bytes += bytes
  }

  /** Forgets what is held for one file (it resets or is gone). */
  clear(file: number): void {
    const q = this.#files[file] as FileQueue
    this.#bytes -= q.bytes
    q.items = []
    q.head = 0
    q.bytes = 0
  }

  /**
   * Takes the items that may go now, in order, up to `maxBytes` of them. `state(j)` says how
   * file j can still add earlier lines: 'live', 'joining', or 'done' (it adds none).
   */
  take(now: number, wallNow: number, state: (j: number) => FileState, maxBytes: number) {
    const out: { file: number; item: MergeItem }[] = []
    let taken = 0
    while (taken < maxBytes) {
      const i = this.#earliest()
      if (i < 0) break
      const h = (this.#files[i] as FileQueue).peek() as Held
      if (this.#bytes <= this.opts.maxBytes && this.#blocked(i, h, now, wallNow, state)) break
      ;(this.#files[i] as FileQueue).shift()
      this.#bytes -= h.bytes
      taken += h.bytes
      out.push({ file: i, item: h.item })
    }
    return out
  }

  #earliest(): number {
    let best = -1
    let bestTs = Infinity
    for (let i = 0; i < this.#files.length; i++) {
      const h = (this.#files[i] as FileQueue).peek()
      if (h && (best < 0 || h.ts < bestTs)) {
        best = i
        bestTs = h.ts
      }
    }
    return best
  }

  #blocked(i: number, h: Held, now: number, wallNow: number, state: (j: number) => FileState) {
    for (let j = 0; j < this.#files.length; j++) {
      if (j === i || !(this.#files[j] as FileQueue).empty) continue
      const s = state(j)
      if (s === 'done') continue
      if (s === 'joining' && now - h.at < this.opts.joinHoldMs) return true
      if (s === 'live' && now - h.at < this.opts.holdMs && h.ts > wallNow - this.opts.holdMs) {
        return true
      }
    }
    return false
  }

  #stamp(q: FileQueue, text: string): number | null {
    const head = text.length > STAMP_HEAD ? text.slice(0, STAMP_HEAD) : text
    if (!q.parse && q.sniffed < SNIFF_LINES) {
      q.sniffed++
      const format = sniffFormat([head])
      if (format) q.parse = stampParser(format)
    }
    return q.parse ? q.parse(head) : null
  }
}

export type FileState = 'live' | 'joining' | 'done'
