/**
 * @module An in-memory LogSource that behaves like the file follower: byte offsets, opaque
 * cursors tied to a generation, rotation and truncation events, stale cursors after them.
 *
 * Cursors look like the real ones (`<offset>-<13 hex>`) and depend only on (salt, generation,
 * offset), so a second FakeSource with the same salt and content resolves the first one's
 * cursors, as the real follower does after a restart.
 *
 * Backpressure as the follower does it: a listener that returns a promise holds its batch; with
 * maxInFlight batches held, appended bytes wait in the fake "file" and are delivered (in batches
 * of at most maxBatchBytes) once the promises settle. Lines are cut like the real splitter's.
 */
import { LineSplitter } from '../../src/core/line-splitter.js'
import type { LogSource, Position, SourceListener, Stale } from '../../src/core/log-source.js'
import type {
  BackendInfo,
  CursorCheck,
  FollowEvent,
  FollowerState,
  LinesResult,
  LogLine,
} from '../../src/core/types.js'

export interface FakeOptions {
  path?: string
  /** Content already in the file; its complete lines count as delivered. */
  content?: string | Uint8Array
  /** Same salt + same generation = same cursors (a "restart"). */
  salt?: string
  /** Make every read wait this many ms (0 = next macrotask), to exercise interleavings. */
  readDelayMs?: number
  /** Longest line piece (default 64 KiB, as the follower). */
  maxLineBytes?: number
  /** Most bytes delivered per 'lines' event once delivery resumes (default 256 KiB). */
  maxBatchBytes?: number
  /** Held batches (unsettled listener promises) before delivery stops (default 4). */
  maxInFlight?: number
}

/** A rotated-away file whose complete lines were not all delivered yet. */
interface Draining {
  gen: number
  buf: Buffer
  committed: number
}

const CURSOR_RE = /^(0|[1-9][0-9]{0,15})-([0-9a-f]{13})$/

export class FakeSource implements LogSource {
  readonly id: string
  readonly path: string
  state: FollowerState = 'following'
  backend: BackendInfo = { backend: 'poll', reason: 'fake' }
  gen = 1
  buf: Buffer
  committed: number
  readonly salt: string
  readonly delay: number
  readonly maxLineBytes: number
  readonly maxBatchBytes: number
  readonly maxInFlight: number
  #listeners = new Set<SourceListener>()
  #draining: Draining[] = []
  #inFlight = 0
  #pumping = false
  /** Reads in flight, so tests can wait for quiescence. */
  reads = 0

  constructor(id: string, opts: FakeOptions = {}) {
    this.id = id
    this.path = opts.path ?? `/var/log/${id}.log`
    this.salt = opts.salt ?? id
    this.delay = opts.readDelayMs ?? 0
    this.maxLineBytes = opts.maxLineBytes ?? 64 * 1024
    this.maxBatchBytes = opts.maxBatchBytes ?? 256 * 1024
    this.maxInFlight = opts.maxInFlight ?? 4
    this.buf = Buffer.from(opts.content ?? '')
    this.committed = this.buf.lastIndexOf(0x0a) + 1
  }

  fp(gen: number): string {
    let h = 0x811c9dc5
    for (const ch of `${this.salt}/${gen}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0
    return (h.toString(16).padStart(8, '0') + gen.toString(16).padStart(5, '0')).slice(-13)
  }

  cursorAt(offset: number, gen = this.gen): string {
    return `${offset}-${this.fp(gen)}`
  }

  // --- driving the fake -------------------------------------------------------------------

  /** Appends to the file and delivers its complete lines (unless listeners hold back). */
  append(data: string | Uint8Array): void {
    this.buf = Buffer.concat([this.buf, Buffer.from(data)])
    this.#pump()
  }

  /** Batches held by listeners (promises not settled yet). */
  get held(): number {
    return this.#inFlight
  }

  /** The path now names a new, empty file; undelivered lines of the old one follow later. */
  rotate(reason: 'renamed' | 'replaced' | 'recreated' = 'renamed'): void {
    if (this.buf.lastIndexOf(0x0a) + 1 > this.committed) {
      this.#draining.push({ gen: this.gen, buf: this.buf, committed: this.committed })
    }
    this.gen++
    this.buf = Buffer.alloc(0)
    this.committed = 0
    this.#emit({ type: 'rotated', reason, cursor: this.cursorAt(0) })
    this.#pump()
  }

  /** Cut to zero in place: lines not delivered yet are gone with the bytes. */
  truncate(): void {
    const oldOffset = this.committed
    this.gen++
    this.buf = Buffer.alloc(0)
    this.committed = 0
    this.#emit({ type: 'truncated', reason: 'size', oldOffset, size: 0, cursor: this.cursorAt(0) })
  }

  emitRaw(e: FollowEvent): void {
    this.#emit(e)
  }

  get listenerCount(): number {
    return this.#listeners.size
  }

  // --- LogSource --------------------------------------------------------------------------

  info() {
    return { size: this.buf.length, state: this.state, backend: this.backend }
  }

  subscribe(listener: SourceListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  position(): Position {
    return { gen: this.gen, offset: this.committed, cursor: this.cursorAt(this.committed) }
  }

  async check(cursor: string): Promise<CursorCheck> {
    await this.#wait()
    return this.#check(cursor)
  }

  async tail(n: number, at: Position, maxBytes = Infinity): Promise<LinesResult | Stale> {
    await this.#wait()
    if (at.gen !== this.gen) return { stale: true, reason: 'gone' }
    let start = at.offset
    let count = 0
    while (count < n && start > 0) {
      const prev = this.buf.lastIndexOf(0x0a, start - 2) + 1
      if (at.offset - prev > maxBytes) break
      start = prev
      count++
    }
    return this.#last(n, start, at.offset)
  }

  async readAfter(cursor: string, until: Position, maxBytes: number): Promise<LinesResult | Stale> {
    await this.#wait()
    const c = this.#check(cursor)
    if (!c.ok) return { stale: true, reason: c.reason }
    if (until.gen !== this.gen) return { stale: true, reason: 'gone' }
    if (c.offset > until.offset) return { stale: true, reason: 'ahead' }
    let end = c.offset
    while (end < until.offset) {
      const next = this.buf.indexOf(0x0a, end) + 1
      if (next - c.offset > maxBytes && end > c.offset) break
      end = next
    }
    return this.#result(c.offset, end, end < until.offset)
  }

  async readBefore(cursor: string, n: number, maxBytes: number): Promise<LinesResult | Stale> {
    await this.#wait()
    const c = this.#check(cursor)
    if (!c.ok) return { stale: true, reason: c.reason }
    let start = c.offset
    let count = 0
    while (count < n && start > 0) {
      const prev = this.buf.lastIndexOf(0x0a, start - 2) + 1
      if (c.offset - prev > maxBytes && count > 0) break
      start = prev
      count++
    }
    return this.#last(n, start, c.offset)
  }

  async openRange(from: number, to: number): Promise<ReadableStream<Uint8Array> | Stale> {
    await this.#wait()
    if (from < 0 || to > this.buf.length || from > to) return { stale: true, reason: 'gone' }
    const bytes = this.buf.subarray(from, to)
    let at = 0
    return new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (at >= bytes.length) return ctl.close()
        ctl.enqueue(new Uint8Array(bytes.subarray(at, at + 65536)))
        at += 65536
      },
    })
  }

  #check(cursor: string): CursorCheck {
    const m = CURSOR_RE.exec(cursor)
    if (!m) return { ok: false, reason: 'malformed' }
    const offset = Number(m[1])
    if (m[2] !== this.fp(this.gen)) return { ok: false, reason: 'stale' }
    if (offset > this.committed) return { ok: false, reason: 'ahead' }
    if (!this.#boundary(offset)) return { ok: false, reason: 'malformed' }
    return { ok: true, offset }
  }

  /** Whether a delivered line or piece of one starts at `offset`. */
  #boundary(offset: number): boolean {
    if (offset === 0 || this.buf[offset - 1] === 0x0a) return true
    const start = this.buf.lastIndexOf(0x0a, offset - 1) + 1
    const end = this.buf.indexOf(0x0a, offset) + 1
    return (
      end > 0 &&
      splitLines(this.buf, start, end, this.maxLineBytes).some((l) => l.offset === offset)
    )
  }

  /** The last n lines and pieces in [start, end), as the real sources count them. */
  #last(n: number, start: number, end: number): LinesResult {
    const all = this.#pieces(start, end)
    const kept = n > 0 ? all.slice(-n) : []
    const first = kept[0]?.offset ?? end
    // As the real sources: `more` says older lines exist, whichever limit stopped the scan.
    return { lines: kept, first: this.cursorAt(first), last: this.cursorAt(end), more: first > 0 }
  }

  /** Lines and pieces in [start, end): `end` may be a piece boundary inside a long line. */
  #pieces(start: number, end: number): LogLine[] {
    const splitter = new LineSplitter(start, { maxLineBytes: this.maxLineBytes })
    const out = splitter.push(this.buf.subarray(start, end))
    const rest = splitter.flush()
    if (rest) out.push({ ...rest, cont: true })
    return out
  }

  #result(start: number, end: number, more: boolean): LinesResult {
    return {
      lines: this.#pieces(start, end),
      first: this.cursorAt(start),
      last: this.cursorAt(end),
      more,
    }
  }

  async #wait(): Promise<void> {
    this.reads++
    try {
      await new Promise((r) => setTimeout(r, this.delay))
    } finally {
      this.reads--
    }
  }

  /** Delivers what the files hold, batch by batch, while listeners hold fewer than the bound. */
  #pump(): void {
    if (this.#pumping) return // a listener appending: delivered by the loop below, in order
    this.#pumping = true
    try {
      while (this.#inFlight < this.maxInFlight) {
        const old = this.#draining[0]
        if (old) {
          if (!this.#batch(old, true)) this.#draining.shift()
          continue
        }
        if (!this.#batch(this, false)) break
      }
    } finally {
      this.#pumping = false
    }
  }

  /** Emits the next batch of complete lines of `f`; false when there is none. */
  #batch(f: Draining, previous: boolean): boolean {
    const start = f.committed
    const limit = Math.min(f.buf.length, start + this.maxBatchBytes)
    let end = f.buf.lastIndexOf(0x0a, limit - 1) + 1
    if (end <= start) end = f.buf.indexOf(0x0a, start) + 1 // one line longer than a batch
    if (end <= start) return false
    const lines = splitLines(f.buf, start, end, this.maxLineBytes)
    f.committed = end
    const ev: FollowEvent = { type: 'lines', lines, start, end, cursor: this.cursorAt(end, f.gen) }
    if (previous) ev.previous = true
    this.#emit(ev)
    return true
  }

  #emit(e: FollowEvent): void {
    for (const l of [...this.#listeners]) {
      const r = l(e)
      if (r && typeof r.then === 'function') {
        this.#inFlight++
        const settle = () => {
          this.#inFlight--
          this.#pump()
        }
        r.then(settle, settle)
      }
    }
  }
}

/** Complete lines in buf[start, end) (end is just past a '\n'), long ones cut into pieces. */
export function splitLines(
  buf: Buffer,
  start: number,
  end: number,
  maxLineBytes = 64 * 1024
): LogLine[] {
  return new LineSplitter(start, { maxLineBytes }).push(buf.subarray(start, end))
}
