/**
 * @module The history view: the page shows a range of the file around one line (a permalink, a
 * search hit) instead of its end. The range comes from /api/lines, before and after the line's
 * cursor, and grows a page at a time as the user scrolls either way, inside the same capped ring;
 * the live stream keeps running but only counts what arrives, so a line at the very start of a
 * huge file stays on screen however much is written after it, and "Back to live" starts over
 * from the end of the file (the file is the buffer, not the page).
 */
import type { Api } from './api.js'
import type { Permalink } from './permalink.js'
import type { Scrollback } from './scrollback.js'
import type { Entry, LineStore, ViewChange } from './store.js'

/** Lines loaded above and below the target, and per page when scrolling down. */
const CONTEXT = 100
const PAGE = 500

export interface HistoryHost {
  readonly api: Api
  readonly store: LineStore
  readonly scrollback: Scrollback
  /** Empties the view for a new range; returns a token that `current` accepts until the next. */
  clear(): number
  current(token: number): boolean
  /** Rows were appended (or trimmed at the front) by a page loaded below. */
  applied(change: ViewChange): void
  /** Puts row i in the middle of the view. */
  reveal(row: number): void
}

export class HistoryView {
  active = false
  /** Live lines written since the view opened (counted, not kept). */
  arrived = 0
  private after: string | undefined
  private atEnd = true
  private loading = false
  private token = 0

  constructor(private readonly host: HistoryHost) {}

  /** Loads the range around `link` and returns its line, or throws (a stale cursor: 409). */
  async open(file: string, link: Permalink): Promise<Entry | undefined> {
    const { api, store, scrollback } = this.host
    const token = (this.token = this.host.clear())
    this.active = true
    this.arrived = 0
    this.loading = true
    try {
      const [above, below] = await Promise.all([
        api.lines(file, link.cursor, link.back + 1 + CONTEXT),
        api.linesAfter(file, link.cursor, undefined, CONTEXT),
      ])
      if (!this.host.current(token)) return undefined
      if (above.atStart) store.marker('start of file')
      store.append(above.lines, link.cursor)
      store.append(below.lines, below.last)
      this.after = below.last
      this.atEnd = !below.more
      scrollback.fromStart(above.first || undefined, above.atStart)
      let target: Entry | undefined
      for (let i = store.count - 1; i >= 0 && !target; i--) {
        const e = store.row(i)
        if (e && e.cursor === link.cursor && e.back === link.back) target = e
      }
      // Filtered out: show where it would be, the nearest row before the cursor.
      const row = target ? store.rowOf(target) : Math.max(0, store.count - below.lines.length - 1)
      this.host.reveal(row)
      return target
    } finally {
      if (this.host.current(token)) this.loading = false
    }
  }

  close(): void {
    this.active = false
    this.arrived = 0
    this.after = undefined
    this.atEnd = true
  }

  /** The view reached its bottom: the next page after the range, while the file has more. */
  async more(file: string): Promise<void> {
    if (!this.active || this.loading || this.atEnd || this.after === undefined) return
    this.loading = true
    const token = this.token
    try {
      const page = await this.host.api.linesAfter(file, this.after, undefined, PAGE)
      if (!this.host.current(token)) return
      this.after = page.last
      this.atEnd = !page.more
      this.host.applied(this.host.store.append(page.lines, page.last))
    } catch (e) {
      if (!this.host.current(token)) return
      this.atEnd = true
      this.host.applied(
        this.host.store.marker(`could not load newer lines: ${(e as Error).message}`)
      )
    } finally {
      if (this.host.current(token)) this.loading = false
    }
  }
}
