/**
 * @module Wires the viewer together for one page: the active file's connection feeds the
 * pause-aware feed, which queues into the ingest; one frame loop applies a budgeted slice of
 * that queue, then redraws the virtual list and the chrome, each at most once per animation
 * frame whatever the event rate. The App is also the page's command interface (commands.ts):
 * the live view, the history view around a line, and the selected line.
 */
import { backendText, type Api, type FileInfoJson } from './api.js'
import type { Commands } from './commands.js'
import { Connection, type ConnHandlers, type Stream, type StreamFactory } from './connection.js'
import type { Feed } from './feed.js'
import { FileTabs } from './file-tabs.js'
import { compileFilter, type FilterSpec } from './filter.js'
import { FilterBar } from './filter-bar.js'
import { FrameLoop, type FrameTask } from './frame-loop.js'
import { HistoryView } from './history-view.js'
import type { Ingest } from './ingest.js'
import { liveFeed } from './live-feed.js'
import { LevelBar } from './level-bar.js'
import { LineSizeEstimate, skipBytes } from './skip-size.js'
import { loadSkipped } from './skipped-load.js'
import { nextMatch, pageTitle } from './match-step.js'
import { PageAddress } from './page-address.js'
import { parsePermalink, type Permalink } from './permalink.js'
import { clearRow, fillRow, rowParts } from './row-view.js'
import { pageStats } from './page-stats.js'
import { Scrollback } from './scrollback.js'
import { el } from './dom.js'
import { StatusBar } from './status-bar.js'
import { LineStore, type Entry, type ViewChange } from './store.js'
import { streamHandlers } from './stream-handlers.js'
import { ViewChrome } from './view-chrome.js'
import { VirtualList } from './virtual-list.js'
import { WrapToggle } from './wrap-toggle.js'

const FILES_POLL_MS = 5000

export class App implements Commands {
  /** The page's one requestAnimationFrame scheduler (its `frames` count is read by benchmarks). */
  readonly loop = new FrameLoop()
  readonly ingest: Ingest
  readonly lineSize = new LineSizeEstimate()
  readonly store: LineStore
  readonly list: VirtualList<Entry>
  readonly feed: Feed
  readonly status = new StatusBar()
  readonly filterBar: FilterBar
  readonly scrollback: Scrollback
  readonly history: HistoryView
  readonly address = new PageAddress()
  readonly wrap: WrapToggle
  readonly levels: LevelBar
  file: string | undefined
  files: FileInfoJson[] = []
  /** The selected line (aria-current): a permalink's, a search hit's, or one clicked. */
  target: Entry | undefined
  conn: Stream | undefined
  unseen = 0
  private hiddenNew = 0
  resetReason: string | undefined
  private filterError: string | undefined
  private readonly tabs = new FileTabs((id) => this.switchFile(id))
  readonly chrome: FrameTask
  readonly ingestTask: FrameTask
  private readonly view: ViewChrome
  /** Bumped whenever the view is cleared: late range loads for the old view are dropped. */
  private generation = 0

  constructor(
    readonly api: Api,
    cap: number,
    onSearchHistory: () => void,
    initLines?: number,
    /** Where the stream runs (the stream worker); in the page when not given. */
    private readonly streams: StreamFactory = (file, h, skip) =>
      new Connection(api, file, h, initLines, skip)
  ) {
    this.store = new LineStore(cap)
    ;({ ingest: this.ingest, feed: this.feed } = liveFeed({
      store: this.store,
      cap,
      applied: (c) => this.applyChange(c),
      schedule: () => this.ingestTask.schedule(),
      overflow: () => this.conn?.stop(),
    }))
    // Registration order is run order within a frame: apply lines, then draw them, then chrome.
    this.ingestTask = this.loop.task('ingest', () => {
      const more = this.ingest.drain()
      this.conn?.topUp?.()
      return more
    })
    this.list = new VirtualList(this.loop, el('log'), this.store, (row, e) => this.fill(row, e), {
      follow: (f) => {
        if (f) this.unseen = 0
        this.chrome.schedule()
      },
      nearTop: () => this.file !== undefined && void this.scrollback.load(this.file),
      nearBottom: () => this.file !== undefined && void this.history.more(this.file),
      hidden: (row) => clearRow(row),
    })
    this.chrome = this.loop.task('chrome', () => this.drawChrome())
    this.scrollback = new Scrollback(api, this.store, (rows) => {
      this.list.shift(rows)
      this.changed()
    })
    this.history = new HistoryView({
      api,
      store: this.store,
      scrollback: this.scrollback,
      clear: () => (this.clearView(), this.generation),
      current: (token) => token === this.generation,
      applied: (c) => this.applyChange(c),
      reveal: (row) => (this.list.scrollToRow(row), this.changed(true)),
    })
    this.filterBar = new FilterBar((spec) => this.setFilter(spec), onSearchHistory)
    this.levels = new LevelBar((levels) => {
      this.store.setLevels(levels)
      this.refiltered()
    })
    this.view = new ViewChrome(this.feed, this.store, this.status, this.filterBar, this.levels)
    this.view.pauseBtn.addEventListener('click', () => this.togglePause())
    this.view.jumpBtn.addEventListener('click', () => this.backToLive())
    this.view.liveBtn.addEventListener('click', () => this.backToLive())
    this.wrap = new WrapToggle((on) => (this.list.wrap = on))
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.hiddenNew = 0
      this.chrome.schedule()
    })
    setInterval(() => this.refreshFiles(), FILES_POLL_MS)
  }

  async start(): Promise<void> {
    try {
      this.files = FileTabs.distinct(await this.api.files())
    } catch (e) {
      this.status.connection({ state: 'offline', message: (e as Error).message })
    }
    const asked = new URLSearchParams(location.search).get('file') ?? undefined
    const link = parsePermalink(location.hash)
    const id = link?.file ?? asked
    this.selectFile(this.files.some((f) => f.id === id) ? id : this.files[0]?.id)
    if (link) await this.openAt(link)
    else this.conn?.start()
  }

  switchFile(id: string): void {
    if (id === this.file) return
    this.address.setFile(id)
    this.selectFile(id)
    this.conn?.start()
  }

  async openAt(link: Permalink): Promise<void> {
    if (link.file && link.file !== this.file) this.selectFile(link.file)
    const file = this.file
    if (file === undefined) return
    this.list.followable = false
    // The live stream only counts while the history view is shown: from a fresh init.
    if (!this.history.active) this.conn?.start()
    try {
      const target = await this.history.open(file, link)
      if (target) this.select(target)
    } catch (e) {
      this.resetReason = `this link no longer points into the file (${(e as Error).message})`
      this.backToLive()
    }
  }

  backToLive(): void {
    this.list.followable = true
    if (this.history.active) {
      this.history.close()
      this.address.dropLink()
      this.clearView()
      this.conn?.start()
    }
    this.target = undefined
    this.list.scrollToBottom()
    this.changed(true)
  }

  /** Home / g: the oldest loaded line, and older ones load as the view reaches them. */
  toStart(): void {
    this.list.scrollToTop()
    if (this.file !== undefined) void this.scrollback.load(this.file)
    this.chrome.schedule()
  }

  step(dir: 1 | -1): void {
    const store = this.store
    const from = this.target ? store.rowOf(this.target) : -1
    const hit = (e: Entry) => !e.marker && store.ranges(e).length > 0
    const i = nextMatch({ count: store.count, row: (r) => store.row(r), hit }, from, dir)
    if (i < 0) return
    this.select(store.row(i))
    this.list.scrollToRow(i)
  }

  select(e: Entry | undefined): void {
    this.target = e
    this.list.invalidate(true)
  }

  permalinkOf(e: Entry): string | undefined {
    return this.address.permalink(this.file, e)
  }

  togglePause(): void {
    if (!this.feed.paused) this.feed.pause()
    else if (this.feed.resume() === 'refetch') this.conn?.start(this.feed.applied)
    this.chrome.schedule()
  }

  setFilter(spec: FilterSpec): void {
    const f = compileFilter(spec)
    this.store.setFilter(f)
    this.filterError = f.error
    this.refiltered()
  }

  /** The view's rows changed wholesale: keep the selected line in view if scrolled to it. */
  private refiltered(): void {
    this.changed(true)
    const row = !this.list.following && this.target ? this.store.rowOf(this.target) : -1
    if (row >= 0) this.list.scrollToRow(row)
  }

  selectFile(id: string | undefined): void {
    this.conn?.stop()
    this.history.close()
    this.list.followable = true
    this.file = id
    const info = this.files.find((f) => f.id === id)
    this.tabs.render(this.files, id)
    this.status.path(info?.path)
    this.status.backend(backendText(info))
    el<HTMLAnchorElement>('download-file').href = this.api.url('download', { file: id })
    this.clearView()
    const handlers: ConnHandlers = streamHandlers(this)
    this.conn = this.streams(id, handlers, () => skipBytes(this.store.cap, this.lineSize.average))
  }

  /** The marker's "load": see skipped-load.ts. */
  loadSkipped(e: Entry): Promise<void> {
    const file = this.file
    if (file === undefined) return Promise.resolve()
    const gen = this.generation
    return loadSkipped(
      {
        api: this.api,
        store: this.store,
        following: () => this.list.following,
        current: () => gen === this.generation,
        shift: (rows) => this.list.shift(rows),
        changed: () => this.changed(true),
      },
      file,
      e
    )
  }

  /** What tests and the browser benchmark read (`window.taillight.stats()`): see page-stats.ts. */
  stats() {
    return pageStats(this)
  }

  /**
   * The file set, sizes and states: on each connect (the backend can change: inotify → poll on
   * ENOSPC) and every few seconds (files appear and go with a pattern; background tabs' badges).
   */
  refreshFiles(): void {
    this.api.files().then(
      (all) => {
        const files = FileTabs.distinct(all)
        this.files = files
        const active = files.find((f) => f.id === this.file)
        if (!active && files[0]) return this.switchFile(files[0].id)
        this.tabs.render(files, this.file)
        this.status.backend(backendText(active))
        this.chrome.schedule()
      },
      () => undefined
    )
  }

  clearView(): void {
    this.generation++
    this.store.clear()
    this.feed.reset(undefined)
    this.ingest.reset(undefined)
    this.target = undefined
    this.unseen = 0
  }

  private applyChange(c: ViewChange): void {
    // Lines the reader has not seen: counted in the title while the page is in the background.
    if (document.hidden && this.list.following) this.hiddenNew += c.added
    if (!this.list.following) {
      this.unseen += c.added
      if (c.trimmed) this.list.shift(-c.trimmed)
    }
    this.changed()
  }

  changed(repaint = false): void {
    this.list.invalidate(repaint)
    this.chrome.schedule()
  }

  private fill(row: HTMLElement, e: Entry): void {
    fillRow(row, e, this.store.ranges(e), this.permalinkOf(e))
    const text = rowParts(row).text
    if (e === this.target) {
      row.classList.add('target')
      text.setAttribute('aria-current', 'true')
    } else text.removeAttribute('aria-current')
  }

  private drawChrome(): void {
    const name = this.files
      .find((f) => f.id === this.file)
      ?.path.split('/')
      .pop()
    const title = pageTitle(name, this.unseen + this.hiddenNew)
    if (document.title !== title) document.title = title
    this.view.draw({
      following: this.list.following,
      unseen: this.unseen,
      arrived: this.history.active ? this.history.arrived : undefined,
      filterError: this.filterError,
      atStart: this.scrollback.atStart,
      size: this.files.find((f) => f.id === this.file)?.size,
    })
  }
}
