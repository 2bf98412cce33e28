/**
 * @module LogSource over a local Follower: live events plus history read back from the file.
 *
 * History is never kept in memory here: resume, scrollback and downloads pread the generation's
 * open handle, so they cost nothing while idle and survive restarts (the file is the log).
 */
import { ArchiveReads } from '../archive/archive-reads.js'
import type { ByteRangeReader } from '../core/byte-range.js'
import { formatCursor, parseCursor } from '../core/cursor.js'
import { LineSplitter } from '../core/line-splitter.js'
import type { ArchiveEntry, LogSource, Position, Stale } from '../core/log-source.js'
import type { CursorCheck, LinesResult, LogLine } from '../core/types.js'
import { readExact } from './read-exact.js'
import { Follower, type FollowerOptions } from './follower.js'
import type { Generation } from './generation.js'
import { readBackward } from './read-backward.js'

const CHUNK = 64 * 1024
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

export interface FileSource extends LogSource {
  readonly follower: Follower
  close(): Promise<void>
}

/** The SSE event budget (src/server's maxEventBytes): batches are sized to fit it whole. */
const DEFAULT_EVENT_BYTES = 256 * 1024

export interface FileSourceOptions extends FollowerOptions {
  maxEventBytes?: number
  /** Rotated siblings read by scrollback and search: 0 none, default all found. */
  history?: number
  /** Most bytes of a compressed sibling indexed per step (the routes' budgets are larger). */
  indexStepBytes?: number
}

export async function createFileSource(
  id: string,
  path: string,
  opts: FileSourceOptions = {}
): Promise<FileSource> {
  // A batch is one read plus the partial line held from the read before it: reading the budget
  // minus the longest piece keeps every batch, and so every event, within the budget.
  const budget = opts.maxEventBytes ?? DEFAULT_EVENT_BYTES
  const maxLine = opts.maxLineBytes ?? 64 * 1024
  const maxBatchBytes = opts.maxBatchBytes ?? Math.max(4096, budget - maxLine)
  const follower = new Follower(path, { ...opts, maxBatchBytes })
  await follower.start()
  return new LocalFileSource(id, path, follower, opts)
}

const stale = (reason: Stale['reason']): Stale => ({ stale: true, reason })

class LocalFileSource implements FileSource {
  private readonly maxLineBytes: number
  private readonly stripCR: boolean
  /** Reads whose cursors point into the rotated siblings. */
  private readonly past: ArchiveReads

  constructor(
    readonly id: string,
    readonly path: string,
    readonly follower: Follower,
    opts: FileSourceOptions
  ) {
    this.maxLineBytes = opts.maxLineBytes ?? 64 * 1024
    this.stripCR = opts.stripCR ?? true
    const past = {
      history: opts.history ?? Infinity,
      maxLineBytes: this.maxLineBytes,
      stripCR: this.stripCR,
      indexStepBytes: opts.indexStepBytes,
    }
    this.past = new ArchiveReads(path, past, () => follower.position().gen)
  }

  archives(): Promise<ArchiveEntry[]> {
    return this.past.list()
  }

  info(): ReturnType<LogSource['info']> {
    const f = this.follower
    return { size: f.size, state: f.state, backend: f.backend }
  }

  subscribe(listener: Parameters<LogSource['subscribe']>[0]): () => void {
    return this.follower.on(listener)
  }

  position(): Position {
    return this.follower.position()
  }

  async check(cursor: string): Promise<CursorCheck> {
    // A sibling's cursor is not in the current file (resume and downloads must not take it).
    if (ArchiveReads.owns(cursor)) return { ok: false, reason: 'stale' }
    const g = this.follower.current()
    const r = g ? await this.locate(g, cursor, g.offset) : stale('gone')
    if (typeof r === 'number') return { ok: true, offset: r }
    return { ok: false, reason: r.reason === 'gone' ? 'stale' : r.reason }
  }

  async tail(n: number, at: Position, maxBytes = DEFAULT_MAX_BYTES): Promise<LinesResult | Stale> {
    // No file at the path right now (waiting for it): nothing to show, which is not an error.
    if (at.gen === 0) return { lines: [], first: at.cursor, last: at.cursor, more: false }
    const g = this.follower.generation(at.gen)
    if (!g) return stale('gone')
    return this.withHandle(g, () => this.before(g, at.offset, at.cursor, n, maxBytes))
  }

  async readBefore(cursor: string, n: number, maxBytes: number): Promise<LinesResult | Stale> {
    if (ArchiveReads.owns(cursor)) return this.past.readBefore(cursor, n, maxBytes)
    const g = this.follower.current()
    if (!g) return stale('gone')
    return this.withHandle(g, async () => {
      const offset = await this.locate(g, cursor, g.offset)
      if (typeof offset !== 'number') return offset
      return this.before(g, offset, cursor, n, maxBytes)
    })
  }

  async readAfter(cursor: string, until: Position, maxBytes: number): Promise<LinesResult | Stale> {
    if (ArchiveReads.owns(cursor)) return this.past.readAfter(cursor, maxBytes)
    const g = this.follower.generation(until.gen)
    if (!g) return stale('gone')
    return this.withHandle(g, async () => {
      const from = await this.locate(g, cursor, until.offset)
      if (typeof from !== 'number') return from
      // Always room for one whole piece, so a long line cannot stall the caller's loop.
      const end = Math.min(until.offset, from + Math.max(maxBytes, this.maxLineBytes + 1))
      const data = await readExact(g.fh, from, end)
      if (data.length < end - from) return stale('stale')
      const splitter = this.splitter(from)
      const lines = splitter.push(data)
      if (end === until.offset) this.flushPiece(splitter, lines)
      const last = await this.cursorAt(g, splitter.offset, { buf: data, at: from })
      if (last === null) return stale('stale')
      return { lines, first: cursor, last, more: splitter.offset < until.offset }
    })
  }

  async openRange(from: number, to: number): Promise<ReadableStream<Uint8Array> | Stale> {
    const g = this.follower.current()
    if (!g) return stale('gone')
    const release = g.acquire()
    let pos = Math.max(0, from)
    const end = Math.max(pos, Math.min(to, g.size))
    return new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            if (pos >= end) {
              release()
              controller.close()
              return
            }
            const buf = await readExact(g.fh, pos, Math.min(end, pos + CHUNK))
            if (buf.length === 0) {
              release()
              controller.close()
              return
            }
            pos += buf.length
            controller.enqueue(new Uint8Array(buf.buffer, buf.byteOffset, buf.length))
          } catch (err) {
            release()
            controller.error(err)
          }
        },
        cancel() {
          release()
        },
      },
      { highWaterMark: 1 }
    )
  }

  /**
   * The current generation up to its committed end, fixed when taken: bytes appended later are
   * the live stream's. Each read holds the handle only while it runs, so a scan a client stopped
   * pulling keeps no file open after a rotation.
   */
  history(): ByteRangeReader | Stale {
    const g = this.follower.current()
    if (!g) return stale('gone')
    const size = g.offset
    return {
      size,
      maxLineBytes: this.maxLineBytes,
      read: (pos, len) => {
        const end = Math.min(size, pos + Math.max(0, len))
        return this.withHandle(g, () => readExact(g.fh, pos, end)).catch(() => new Uint8Array(0))
      },
      cursorAt: (offset, known) => this.withHandle(g, () => this.cursorAt(g, offset, known)),
      offsetOf: (cursor) => this.withHandle(g, () => this.locate(g, cursor, size)),
    }
  }

  close(): Promise<void> {
    return this.follower.close()
  }

  /** Lines ending at `end` (a line boundary we delivered), at most n of them. */
  private async before(
    g: Generation,
    end: number,
    endCursor: string,
    n: number,
    maxBytes: number
  ): Promise<LinesResult> {
    if (n <= 0 || end === 0) return { lines: [], first: endCursor, last: endCursor, more: end > 0 }
    const r = await readBackward(g.fh, end, n, Math.max(1, maxBytes), CHUNK, this.follower.native)
    const splitter = this.splitter(r.start)
    const lines = splitter.push(r.data)
    this.flushPiece(splitter, lines)
    if (r.hitLimit && lines[0]) lines[0].cont = true
    const kept = lines.length > n ? lines.slice(lines.length - n) : lines
    const firstOffset = kept[0]?.offset ?? end
    const first = (await this.cursorAt(g, firstOffset)) ?? endCursor
    return { lines: kept, first, last: endCursor, more: firstOffset > 0 }
  }

  /** A range that ends inside a long line ends with a piece of it, as the live stream had. */
  private flushPiece(splitter: LineSplitter, lines: LogLine[]): void {
    const rest = splitter.flush()
    if (rest) lines.push({ ...rest, cont: true })
  }

  /** Offset of a cursor we handed out for this generation, or why it is not usable. */
  private async locate(g: Generation, cursor: string, limit: number): Promise<number | Stale> {
    const p = parseCursor(cursor)
    if (!p) return stale('malformed')
    if (p.offset > limit) return stale('ahead')
    const fp = await g.fingerprintAt(p.offset)
    return fp === p.fingerprint ? p.offset : stale('stale')
  }

  private async cursorAt(
    g: Generation,
    offset: number,
    known?: { buf: Uint8Array; at: number }
  ): Promise<string | null> {
    const fp = await g.fingerprintAt(offset, known)
    return fp === null ? null : formatCursor(offset, fp)
  }

  private splitter(offset: number): LineSplitter {
    return new LineSplitter(offset, { maxLineBytes: this.maxLineBytes, stripCR: this.stripCR })
  }

  private async withHandle<T>(g: Generation, fn: () => Promise<T>): Promise<T> {
    const release = g.acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }
}
