/**
 * @module Received-but-not-yet-shown events, applied to the store in slices within a time budget
 * per frame, so a burst never makes one frame long. The queue holds at most about a ring's worth
 * of lines: when more arrive, the oldest queued batches (which the ring would evict before they
 * were ever drawn) are let go and recorded as one skipped range, cursor to cursor, that the user
 * can load later. The file is the buffer; the page only keeps what it can show.
 */
import type { SkippedEvent } from '../../src/core/protocol.js'

export interface IngestSink {
  /** Applies texts[start, end) of one batch whose last line ends at `cursor`. */
  lines(texts: string[], start: number, end: number, cursor: string | undefined): void
  skipped(range: SkippedEvent): void
  notice(type: string, data: Record<string, unknown>, id: string | undefined): void
}

export interface IngestOptions {
  /** Milliseconds of applying per frame. */
  budgetMs?: number
  /** Lines applied between two looks at the clock. */
  slice?: number
  now?: () => number
}

type Item =
  | { kind: 'lines'; texts: string[]; done: number; from?: string; to?: string; bytes: number }
  | { kind: 'skipped'; range: Partial<SkippedEvent> & { bytes: number } }
  | { kind: 'notice'; type: string; data: Record<string, unknown>; id?: string }

export class Ingest {
  /** Lines (and notice rows) received and not yet applied. */
  queued = 0
  /** Lines let go by this queue since the page opened (the benchmark reads it). */
  discarded = 0
  /** Skipped ranges applied (server's and ours) and their bytes, since the page opened. */
  skippedRanges = 0
  skippedBytes = 0
  private items: (Item | undefined)[] = []
  private head = 0
  private last: string | undefined
  private readonly budgetMs: number
  private readonly slice: number
  private readonly now: () => number

  constructor(
    private readonly sink: IngestSink,
    private readonly cap: number,
    opts: IngestOptions = {}
  ) {
    this.budgetMs = opts.budgetMs ?? 8
    this.slice = opts.slice ?? 256
    this.now = opts.now ?? (() => performance.now())
  }

  get idle(): boolean {
    return this.head === this.items.length
  }

  /** Forgets everything queued; the next batch starts after `cursor`. */
  reset(cursor: string | undefined): void {
    this.items = []
    this.head = 0
    this.queued = 0
    this.last = cursor
  }

  lines(texts: string[], id: string | undefined): void {
    if (texts.length === 0) return void (id && (this.last = id))
    let bytes = 0
    for (const t of texts) bytes += t.length + 1
    this.items.push({ kind: 'lines', texts, done: 0, from: this.last, to: id, bytes })
    this.queued += texts.length
    if (id) this.last = id
    this.bound()
  }

  skipped(range: SkippedEvent): void {
    this.items.push({ kind: 'skipped', range: { ...range } })
    this.last = range.to
  }

  notice(type: string, data: Record<string, unknown>, id: string | undefined): void {
    this.items.push({ kind: 'notice', type, data, id })
    this.queued++
    if (id) this.last = id
  }

  /**
   * Applies queued events until the frame's budget is spent (or, with `maxLines`, once that
   * many lines went); true when some are left.
   */
  drain(maxLines = Infinity): boolean {
    const until = this.now() + this.budgetMs
    let applied = 0
    while (this.head < this.items.length && applied < maxLines) {
      const item = this.items[this.head] as Item
      if (item.kind === 'lines') {
        const end = Math.min(item.texts.length, item.done + this.slice)
        this.sink.lines(item.texts, item.done, end, item.to)
        this.queued -= end - item.done
        applied += end - item.done
        item.done = end
        if (end === item.texts.length) this.take()
      } else {
        this.take()
        if (item.kind === 'notice') {
          this.queued--
          this.sink.notice(item.type, item.data, item.id)
        } else {
          this.skippedRanges++
          this.skippedBytes += item.range.bytes
          this.sink.skipped(toRange(item.range))
        }
      }
      if (this.now() >= until) break
    }
    if (this.head === this.items.length) this.reset(this.last)
    return !this.idle
  }

  /**
   * Lets go of the oldest whole batches while the batches after them still fill the ring. The
   * batch being applied stays (its start cursor is behind us); the run of skipped ranges right
   * after it grows in place, so each drop is O(1) whatever the queue length.
   */
  private bound(): void {
    while (this.queued > this.cap) {
      const at = this.head + (this.isPartial(this.head) ? 1 : 0)
      const a = this.items[at]
      const b = this.items[at + 1]
      let victim: number
      if (a?.kind === 'lines') victim = at
      else if (a?.kind === 'skipped' && b?.kind === 'lines') victim = at + 1
      else return
      const v = this.items[victim] as Extract<Item, { kind: 'lines' }>
      if (this.queued - (v.texts.length - v.done) < this.cap) return
      this.queued -= v.texts.length
      this.discarded += v.texts.length
      const range = { from: v.from, to: v.to, bytes: v.bytes }
      if (victim === at + 1 && a?.kind === 'skipped') {
        range.from = a.range.from
        range.bytes += a.range.bytes
        // The merged run moves up one slot; the slot it leaves becomes the new queue head.
        this.items[at] = this.items[this.head]
        this.items[this.head] = undefined
        this.head++
      }
      this.items[victim] = { kind: 'skipped', range }
    }
  }

  private isPartial(i: number): boolean {
    const it = this.items[i]
    return it?.kind === 'lines' && it.done > 0
  }

  private take(): void {
    this.items[this.head++] = undefined
    // Compact now and then instead of shifting the array on every event.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head)
      this.head = 0
    }
  }
}

function toRange(r: Partial<SkippedEvent> & { bytes: number }): SkippedEvent {
  return { from: r.from ?? '', to: r.to ?? '', bytes: r.bytes }
}
