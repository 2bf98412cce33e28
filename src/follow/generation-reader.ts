/**
 * @module Reading the open generations: new bytes of the current one, late bytes of rotated ones.
 *
 * Reads stop as soon as consumers hold all their credit (the bytes wait in the file) and resume
 * from the same position. A truncation of the current file is turned into a new generation here;
 * the phase change itself goes through the state machine like every other.
 */
import type { FollowEvent } from '../core/types.js'
import type { FollowerStateMachine } from './follower-state.js'
import { Generation, type Batch } from './generation.js'
import type { Listeners } from './listeners.js'
import type { ResolvedOptions } from './options.js'
import type { Watches } from './watches.js'

/** How a read of one generation ended. */
type ReadEnd = 'eof' | 'paused' | 'finished' | 'closed'

export class GenerationReader {
  private readonly buf: Buffer

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly machine: FollowerStateMachine,
    private readonly listeners: Listeners,
    private readonly watches: Pick<Watches, 'syncReads' | 'unwatchFile'>,
    private readonly dataSeen: () => void
  ) {
    this.buf = Buffer.allocUnsafe(opts.maxBatchBytes)
  }

  /** Reads everything new in the current file (the read itself detects truncation). */
  async readCurrent(g: Generation, full: boolean): Promise<void> {
    if (full) {
      await g.file.refresh()
      // Rewritten from the start with the same bytes before our offset: only the head tells.
      if (await g.headChanged()) {
        const next = await this.truncated(g, 'marker')
        if (!next) return
        g = next
      }
    }
    await this.readTo(g, false)
  }

  /** Late lines in a rotated-away file; closes it once it has been quiet past its grace time. */
  async drain(g: Generation, full: boolean): Promise<void> {
    if (full) await g.file.refresh()
    const end = await this.readTo(g, true)
    if (end !== 'finished') {
      if (!this.machine.draining.expired(g, end === 'eof')) return
      this.flush(g, true)
    }
    this.machine.draining.remove(g)
    this.watches.unwatchFile(g.file)
    await g.file.close()
  }

  /** Reads `g` until the end of the file, the consumers' credit runs out, or `g` ends. */
  private async readTo(g: Generation, previous: boolean): Promise<ReadEnd> {
    const sync = this.watches.syncReads(g.file)
    while (!this.machine.closed) {
      if (this.listeners.full) return 'paused' // resumed when a consumer settles
      const r = await g.readBatch(this.opts.maxBatchBytes, this.buf, sync)
      if ('truncated' in r) {
        // A rotated-away file that gets truncated (copied and emptied by a second rotation)
        // is simply finished.
        if (previous) {
          this.flush(g, true)
          return 'finished'
        }
        const next = await this.truncated(g, r.truncated)
        if (!next) return 'closed'
        g = next
        continue
      }
      if (r.bytes > 0) this.dataSeen()
      if (r.lines.length > 0) this.emitLines(g, r, previous)
      if (r.eof) return 'eof'
    }
    return 'closed'
  }

  /**
   * The file got shorter than what we read, or the bytes before our offset changed: deliver the
   * held partial line, and start over at 0 as a new generation over the same open file.
   */
  private async truncated(g: Generation, reason: 'size' | 'marker'): Promise<Generation | null> {
    const oldOffset = g.consumed
    this.flush(g, false)
    await g.file.refresh()
    const next = await Generation.open(this.machine.nextGen(), g.file, 0, this.opts, true)
    if (!this.machine.transition({ kind: 'following', current: next })) return null
    const size = g.file.size
    this.listeners.emit({ type: 'truncated', reason, oldOffset, size, cursor: next.cursor })
    return next
  }

  /** Hands out the held unterminated line of a generation that gets no more bytes. */
  private flush(g: Generation, previous: boolean): void {
    const rest = g.flushPartial()
    if (rest) this.emitLines(g, rest, previous)
  }

  private emitLines(g: Generation, b: Batch, previous: boolean): void {
    const ev: FollowEvent = {
      type: 'lines',
      lines: b.lines,
      start: b.start,
      end: b.end,
      cursor: g.cursor,
    }
    if (previous) ev.previous = true
    this.listeners.emit(ev)
  }
}
