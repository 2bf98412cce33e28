/**
 * @module Building a gzip checkpoint index (gzip-index.ts) in steps: each step inflates at most
 * a budget of bytes and then stops, keeping the inflate state, so no request pays for a whole
 * archive: a large one is indexed over several requests, a step each, and a paused build holds
 * only its state (the 32 KiB window, buffers, the checkpoints so far).
 */
import type { FileHandle } from 'node:fs/promises'
import {
  Z_BLOCK,
  Z_OK,
  Z_STREAM_END,
  ZStream,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateReset,
} from 'pako'
import { ArchiveError } from './archive-error.js'
import {
  DEFAULT_SPAN,
  IN_CHUNK,
  inflateStats,
  MAX_POINTS,
  OUT_CHUNK,
  WINDOW,
  type Checkpoint,
  type GzIndex,
} from './gzip-index.js'

const yieldTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

export class GzIndexer {
  private readonly strm = new ZStream()
  private readonly out = new Uint8Array(OUT_CHUNK)
  private readonly win = new Uint8Array(WINDOW)
  private winLen = 0
  private readonly points: Checkpoint[] = []
  private filePos = 0
  private totin = 0
  private totout = 0
  private prevByte = 0
  private ended = false
  private done: GzIndex | null = null
  private running: Promise<GzIndex | null> = Promise.resolve(null)

  constructor(
    private readonly path: string,
    private span = DEFAULT_SPAN
  ) {
    zlibInflateInit2(this.strm, 47)
    this.strm.avail_in = 0
  }

  /** Bytes inflated so far (for progress). */
  get indexed(): number {
    return this.totout
  }

  /** Goes on for about `budget` more output bytes: the index when complete, else null. */
  step(fh: FileHandle, budget: number): Promise<GzIndex | null> {
    // One step at a time: two requests on the same archive take turns, never share the state.
    const run = this.running.then(() => this.done ?? this.run(fh, budget))
    this.running = run.catch(() => null)
    return run
  }

  private async run(fh: FileHandle, budget: number): Promise<GzIndex | null> {
    const { strm, out, win, points } = this
    const stop = this.totout + budget
    while (this.totout < stop) {
      if (strm.avail_in === 0) {
        if (strm.next_in > 0) this.prevByte = strm.input[strm.next_in - 1] as number
        const chunk = Buffer.allocUnsafe(IN_CHUNK)
        const { bytesRead } = await fh.read(chunk, 0, IN_CHUNK, this.filePos)
        if (bytesRead === 0) {
          if (!this.ended) throw new ArchiveError('bad_archive', 'gzip data ends early', this.path)
          const bytes = points.reduce((n, p) => n + p.window.length + 64, 0)
          this.done = { size: this.totout, points, bytes }
          return this.done
        }
        this.filePos += bytesRead
        strm.input = chunk.subarray(0, bytesRead)
        strm.next_in = 0
        strm.avail_in = bytesRead
        await yieldTurn()
      }
      if (this.ended) {
        // Another gzip member follows (concatenated files): go on with its header.
        zlibInflateReset(strm)
        this.ended = false
      }
      strm.output = out
      strm.next_out = 0
      strm.avail_out = out.length
      const inBefore = strm.avail_in
      const ret = zlibInflate(strm, Z_BLOCK)
      const produced = strm.next_out
      const consumed = inBefore - strm.avail_in
      this.totin += consumed
      this.totout += produced
      inflateStats.inflated += produced
      this.winLen = slide(win, this.winLen, out, produced)
      if (ret === Z_STREAM_END) this.ended = true
      else if (ret !== Z_OK && !(produced === 0 && consumed === 0 && strm.avail_in === 0))
        throw new ArchiveError('bad_archive', `not valid gzip data (${strm.msg || ret})`, this.path)
      this.checkpoint()
    }
    return null
  }

  /** At a block boundary far enough from the last checkpoint: a new one. */
  private checkpoint(): void {
    const { strm, points } = this
    const boundary = (strm.data_type & 128) !== 0 && (strm.data_type & 64) === 0
    const last = points[points.length - 1]
    if (this.ended || !boundary || (last && this.totout - last.out < this.span)) return
    const prev = strm.next_in > 0 ? (strm.input[strm.next_in - 1] as number) : this.prevByte
    const window = this.win.slice(WINDOW - this.winLen)
    points.push({ out: this.totout, in: this.totin, bits: strm.data_type & 7, prev, window })
    if (points.length > MAX_POINTS) {
      this.span *= 2
      thin(points)
    }
  }
}

/** The whole index in one go (tests, and archives small enough for one step). */
export async function buildGzIndex(
  fh: FileHandle,
  path: string,
  span = DEFAULT_SPAN
): Promise<GzIndex> {
  const ix = new GzIndexer(path, span)
  for (;;) {
    const done = await ix.step(fh, Number.MAX_SAFE_INTEGER)
    if (done) return done
  }
}

/** Keeps the window's last WINDOW bytes of output; returns how many it holds. */
function slide(win: Uint8Array, len: number, out: Uint8Array, n: number): number {
  if (n >= WINDOW) {
    win.set(out.subarray(n - WINDOW, n))
    return WINDOW
  }
  win.copyWithin(0, n)
  win.set(out.subarray(0, n), WINDOW - n)
  return Math.min(WINDOW, len + n)
}

/** Drops every other checkpoint but the first (the spacing has doubled). */
function thin(points: Checkpoint[]): void {
  let j = 1
  for (let i = 2; i < points.length; i += 2) points[j++] = points[i] as Checkpoint
  points.length = j
}
