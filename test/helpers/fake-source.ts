/**
 * @module An in-memory LogSource that behaves like the file follower: byte offsets, opaque
 * cursors tied to a generation, rotation and truncation events, stale cursors after them.
 *
 * Cursors look like the real ones (`<offset>-<13 hex>`) and depend only on (salt, generation,
 * offset), so a second FakeSource with the same salt and content resolves the first one's
 * cursors, as the real follower does after a restart.
 */
import type { LogSource, Position, Stale } from '../../src/core/log-source.js'
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
  content?: string
  /** Same salt + same generation = same cursors (a "restart"). */
  salt?: string
  /** Make every read wait this many ms (0 = next macrotask), to exercise interleavings. */
  readDelayMs?: number
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
  #listeners = new Set<(e: FollowEvent) => void>()
  /** Reads in flight, so tests can wait for quiescence. */
  reads = 0

  constructor(id: string, opts: FakeOptions = {}) {
    this.id = id
    this.path = opts.path ?? `/var/log/${id}.log`
    this.salt = opts.salt ?? id
    this.delay = opts.readDelayMs ?? 0
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

  /** Appends text and delivers the complete lines in it as one 'lines' event. */
  append(text: string): void {
    this.buf = Buffer.concat([this.buf, Buffer.from(text)])
    const end = this.buf.lastIndexOf(0x0a) + 1
    if (end <= this.committed) return
    const start = this.committed
    const lines = splitLines(this.buf, start, end)
    this.committed = end
    this.#emit({ type: 'lines', lines, start, end, cursor: this.cursorAt(end) })
  }

  /** The path now names a new, empty file. */
  rotate(reason: 'renamed' | 'replaced' | 'recreated' = 'renamed'): void {
    this.gen++
    this.buf = Buffer.alloc(0)
    this.committed = 0
    this.#emit({ type: 'rotated', reason, cursor: this.cursorAt(0) })
  }

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

  subscribe(listener: (e: FollowEvent) => void): () => void {
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
    return this.#result(start, at.offset, false)
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
    let more = false
    while (count < n && start > 0) {
      const prev = this.buf.lastIndexOf(0x0a, start - 2) + 1
      if (c.offset - prev > maxBytes && count > 0) {
        more = true
        break
      }
      start = prev
      count++
    }
    return this.#result(start, c.offset, more)
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
    if (offset > 0 && this.buf[offset - 1] !== 0x0a) return { ok: false, reason: 'malformed' }
    return { ok: true, offset }
  }

  #result(start: number, end: number, more: boolean): LinesResult {
    return {
      lines: splitLines(this.buf, start, end),
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

  #emit(e: FollowEvent): void {
    for (const l of [...this.#listeners]) l(e)
  }
}

/** Complete lines in buf[start, end) (end is just past a '\n'). */
export function splitLines(buf: Buffer, start: number, end: number): LogLine[] {
  const out: LogLine[] = []
  let at = start
  while (at < end) {
    const nl = buf.indexOf(0x0a, at)
    if (nl < 0 || nl >= end) break
    let stop = nl
    if (stop > at && buf[stop - 1] === 0x0d) stop--
    out.push({ text: buf.toString('utf8', at, stop), offset: at })
    at = nl + 1
  }
  return out
}
