/**
 * @module The live histogram (`data-testid="histogram"`): lines per bucket of the loaded range,
 * stacked by level. Counts follow the store's lines as they come and are trimmed (a StoreWatcher),
 * by each line's own timestamp (line-time.ts; continuation lines take their record's), or by
 * arrival when no loaded line has one, and the label says which. Drawn at most once per frame,
 * as a task of the page's one frame loop; a click on a bar shows the first line of its bucket.
 */
import type { Api } from './api.js'
import { stripAnsi } from './ansi.js'
import type { Commands } from './commands.js'
import { el } from './dom.js'
import type { FrameLoop } from './frame-loop.js'
import { lineTime } from './line-time.js'
import { drawBars } from './histogram-bars.js'
import { firstIn, recount, spanOf } from './histogram-scan.js'
import type { Entry, LineStore, StoreWatcher } from './store.js'
import { Buckets, levelSlot, pickWidth, widthLabel } from './time-buckets.js'

export interface HistogramHost {
  readonly api: Api
  readonly store: LineStore
  readonly loop: FrameLoop
  readonly file: string | undefined
  readonly commands: Commands
  /** Puts row i of the view in sight. */
  reveal(row: number): void
}

const byTimeOf = (e: Entry) => e.time
const byArrivalOf = (e: Entry) => e.arrived

export class Histogram {
  private readonly root = el('histogram')
  private readonly barsEl = document.createElement('div')
  private readonly label = document.createElement('span')
  private readonly timed = new Buckets()
  private readonly arrived = new Buckets()
  private readonly task
  /** To be told of every line the store keeps and lets go (the page composes watchers). */
  readonly watcher: StoreWatcher
  private shown: { width: number; byTime: boolean } | undefined

  constructor(private readonly host: HistogramHost) {
    this.barsEl.className = 'hist-bars'
    this.label.className = 'hist-label'
    this.root.replaceChildren(this.barsEl, this.label)
    this.task = host.loop.task('histogram', () => this.draw())
    this.watcher = {
      added: (e) => this.count(e, 1),
      removed: (e) => this.count(e, -1),
      cleared: () => {
        this.timed.clear()
        this.arrived.clear()
        this.task.schedule()
      },
    }
    this.barsEl.addEventListener('click', (ev) => {
      const bar = (ev.target as HTMLElement).closest<HTMLElement>('[data-testid="histogram-bar"]')
      if (bar) void this.jump(Number(bar.dataset.start), Number(bar.dataset.width))
    })
  }

  private count(e: Entry, by: 1 | -1): void {
    if (e.marker) return
    const slot = levelSlot(e.level)
    if (by > 0 && e.time === undefined && e.arrived === undefined) {
      // One time a line: its own (or its record's), else when it came. Scrollback adds a page
      // from its end, so a head may be counted after the lines that continue it.
      const head = e.head
      const own =
        lineTime(stripAnsi(e.text)) ?? (head ? (head.time ?? lineTime(stripAnsi(head.text))) : null)
      if (own !== null) e.time = own
      else e.arrived = Date.now()
    }
    if (e.time !== undefined) this.timed.add(e.time, slot, by)
    else if (e.arrived !== undefined) this.arrived.add(e.arrived, slot, by)
    this.task.schedule()
  }

  private draw(): void {
    const byTime = this.timed.total > 0
    const [b, of] = byTime ? [this.timed, byTimeOf] : [this.arrived, byArrivalOf]
    const span = b.total > 0 ? spanOf(this.host.store, of) : undefined
    if (!span) {
      this.shown = undefined
      this.barsEl.replaceChildren()
      this.label.textContent = ''
      return
    }
    const want = pickWidth(span[0], span[1])
    // Wider at once; narrower only when the bars would fill a quarter of the strip or less.
    if (want > b.width || pickWidth(span[0], span[0] + (span[1] - span[0]) * 4) < b.width)
      recount(b, this.host.store, of, want)
    const bars = b.bars(span[0], span[1])
    this.shown = { width: b.width, byTime }
    drawBars(this.barsEl, bars, b.width)
    this.label.textContent = `${widthLabel(b.width)}${byTime ? '' : ' · by arrival (no timestamps)'}`
    this.root.dataset.basis = byTime ? 'time' : 'arrival'
  }

  /** The first loaded line of the bucket in view and selected; not in view: open at its time. */
  private async jump(start: number, width: number): Promise<void> {
    const shown = this.shown
    if (!shown) return
    const s = this.host.store
    const hit = firstIn(s, shown.byTime ? byTimeOf : byArrivalOf, start, start + width)
    // One lookup: a first line the filter hides sends the view to the time instead.
    const row = hit === undefined ? -1 : s.filtered ? s.rowOf(hit.e) : hit.at
    if (hit && row >= 0) {
      this.host.commands.select(hit.e)
      this.host.reveal(row)
      return
    }
    const file = this.host.file
    if (!shown.byTime || file === undefined) return
    try {
      const page = await this.host.api.linesAt(file, new Date(start).toISOString(), 1)
      if (page.lines.length > 0)
        await this.host.commands.openAt({ file, cursor: page.last, back: 0 })
    } catch (e) {
      this.label.title = `Cannot go to that time: ${(e as Error).message}`
    }
  }
}
