/**
 * @module The LogSource reads of a local file that land in its rotated past: readBefore and
 * readAfter for cursors into a sibling, and the list of siblings. The file source hands a
 * sibling's cursor here and keeps the current file's own.
 */
import { parseArchiveCursor } from '../core/cursor.js'
import { LineSplitter } from '../core/line-splitter.js'
import type { ArchiveEntry, ArchiveRun, Stale } from '../core/log-source.js'
import type { LinesResult } from '../core/types.js'
import { linesBefore } from '../history/lines-before.js'
import { ArchiveChain } from './archive-chain.js'

const stale = (reason: Stale['reason']): Stale => ({ stale: true, reason })

export interface ArchiveReadOptions {
  /** Siblings read, newest first (0: none). */
  history: number
  maxLineBytes: number
  stripCR: boolean
  /** Most bytes of a compressed sibling indexed per step. */
  indexStepBytes?: number
}

export class ArchiveReads {
  private readonly chain: ArchiveChain | null

  constructor(
    path: string,
    private readonly o: ArchiveReadOptions,
    generation: () => number
  ) {
    this.chain =
      o.history > 0
        ? new ArchiveChain(path, o.history, o.maxLineBytes, generation, o.indexStepBytes)
        : null
  }

  /** A cursor into one of the siblings (whether or not it still exists). */
  static owns(cursor: string): boolean {
    return parseArchiveCursor(cursor) !== null
  }

  async list(): Promise<ArchiveEntry[]> {
    return this.chain ? this.chain.list() : []
  }

  async readBefore(cursor: string, n: number, maxBytes: number): Promise<LinesResult | Stale> {
    const run = await this.runOf(cursor)
    if ('stale' in run) return run
    const end = await run.offsetOf(cursor)
    if (typeof end !== 'number') return end
    return (await linesBefore(run, end, cursor, n, maxBytes, this.o.stripCR)) ?? stale('stale')
  }

  /** Lines of a sibling after `cursor`, up to its end (the newer file is another request's). */
  async readAfter(cursor: string, maxBytes: number): Promise<LinesResult | Stale> {
    const run = await this.runOf(cursor)
    if ('stale' in run) return run
    const from = await run.offsetOf(cursor)
    if (typeof from !== 'number') return from
    // Always room for one whole piece, so a long line cannot stall the caller's loop.
    const end = Math.min(run.size, from + Math.max(maxBytes, this.o.maxLineBytes + 1))
    const data = await run.read(from, end - from)
    if (data.length < end - from) return stale('stale')
    const { maxLineBytes, stripCR } = this.o
    const splitter = new LineSplitter(from, { maxLineBytes, stripCR })
    const lines = splitter.push(data)
    const rest = end === run.size ? splitter.flush() : null
    if (rest) lines.push({ ...rest, cont: true })
    const last = await run.cursorAt(splitter.offset, { buf: data, at: from })
    if (last === null) return stale('stale')
    return { lines, first: cursor, last, more: splitter.offset < run.size }
  }

  /** The sibling a cursor points into, opened; Stale when it is gone or not one of ours. */
  private async runOf(cursor: string): Promise<ArchiveRun | Stale> {
    const a = parseArchiveCursor(cursor)
    if (!a) return stale('malformed')
    const e = this.chain ? await this.chain.find(a.archive) : undefined
    // A cursor's sibling was indexed when the cursor was made; only an index the cache let go
    // is built again here, whole.
    const r = e ? await e.open() : stale('stale')
    return 'indexing' in r ? stale('stale') : r
  }
}
