/**
 * @module Between the connection and the store: applies batches in order, or holds them while paused.
 * Held lines are counted; past the cap they are dropped and the feed asks to be refetched from
 * the cursor of the last batch applied, so pausing never loses a line and never grows memory
 * beyond the cap (the server re-reads the file for us).
 */
export interface FeedSink {
  append(lines: string[], cursor: string | undefined): void
  /** A typed gap event (rotate, truncate, dropped, skipped) and its id, when it had one. */
  notice(type: string, data: Record<string, unknown>, id?: string): void
}

type Held =
  | { lines: string[]; cursor: string | undefined }
  | { notice: string; data: Record<string, unknown>; id?: string }

export class Feed {
  paused = false
  /** Lines received while paused and not shown yet. */
  held = 0
  /** True once held lines passed the cap and were let go: resume must refetch. */
  overflowed = false
  /** Cursor just past the last line shown: where a refetch resumes. */
  applied: string | undefined
  private queue: Held[] = []

  constructor(
    private readonly sink: FeedSink,
    private readonly cap: number,
    private readonly onOverflow: () => void
  ) {}

  /** A fresh start (init after connect or reset): nothing held, shown up to `cursor`. */
  reset(cursor: string | undefined): void {
    this.queue = []
    this.held = 0
    this.overflowed = false
    this.applied = cursor
  }

  batch(lines: string[], cursor: string | undefined): void {
    if (!this.paused) {
      this.sink.append(lines, cursor)
      if (cursor) this.applied = cursor
      return
    }
    if (this.overflowed) return
    this.queue.push({ lines, cursor })
    this.held += lines.length
    if (this.held > this.cap) {
      this.overflowed = true
      this.queue = []
      this.onOverflow()
    }
  }

  notice(type: string, data: Record<string, unknown>, id?: string): void {
    if (!this.paused) {
      this.sink.notice(type, data, id)
      if (id) this.applied = id
    } else if (!this.overflowed) this.queue.push({ notice: type, data, id })
  }

  pause(): void {
    this.paused = true
  }

  /** Shows everything held, in order; returns 'refetch' when the caller must resume by cursor. */
  resume(): 'done' | 'refetch' {
    this.paused = false
    const queue = this.queue
    const refetch = this.overflowed
    this.queue = []
    this.held = 0
    this.overflowed = false
    if (refetch) return 'refetch'
    for (const h of queue) {
      if ('lines' in h) this.batch(h.lines, h.cursor)
      else this.notice(h.notice, h.data, h.id)
    }
    return 'done'
  }
}
