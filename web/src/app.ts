/**
 * @module The viewer of one page, wired: the stream feeds the pause-aware feed and the ingest;
 * one frame loop applies a slice of it, then draws the list and the chrome, each at most once a
 * frame. The App is the page's command interface (commands.ts); its parts: app-view.ts (built
 * in frame order), navigation.ts, file-switch.ts, app-controls.ts, app-draw.ts.
 */
import type { Api, FileInfoJson } from './api.js'
import { drawChrome } from './app-draw.js'
import { buildView, clearView, loadSkippedRange } from './app-view.js'
import type { Commands } from './commands.js'
import { Connection, type ConnHandlers, type Stream, type StreamFactory } from './connection.js'
import type { Feed } from './feed.js'
import { FileTabs, MERGED } from './file-tabs.js'
import { refreshFiles, selectFile, startPage, switchFile } from './file-switch.js'
import type { FilterBar } from './filter-bar.js'
import { FrameLoop, type FrameTask } from './frame-loop.js'
import { compileRules, type RuleSet } from './highlight-rules.js'
import type { HistoryView } from './history-view.js'
import type { Ingest } from './ingest.js'
import type { LevelBar } from './level-bar.js'
import { wireControls } from './app-controls.js'
import { backToLive, openAt, step, toStart, togglePause } from './navigation.js'
import { LineSizeEstimate } from './skip-size.js'
import { PageAddress } from './page-address.js'
import type { PageSeed } from './page-seed.js'
import type { Permalink } from './permalink.js'
import { pageStats } from './page-stats.js'
import type { Scrollback } from './scrollback.js'
import { StatusBar } from './status-bar.js'
import type { Entry, LineStore, ViewChange } from './store.js'
import { streamHandlers } from './stream-handlers.js'
import type { ViewChrome } from './view-chrome.js'
import type { VirtualList } from './virtual-list.js'
import type { WrapToggle } from './wrap-toggle.js'

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
  /** The reader's highlight rules (set by page-extras.ts), applied as rows are drawn. */
  highlights: RuleSet = compileRules([])
  unseen = 0
  private hiddenNew = 0
  resetReason: string | undefined
  filterError: string | undefined
  readonly tabs = new FileTabs((id) => this.switchFile(id))
  readonly chrome: FrameTask
  readonly ingestTask: FrameTask
  readonly handlers: ConnHandlers = streamHandlers(this)
  private readonly view: ViewChrome
  /** Bumped whenever the view is cleared: late range loads for the old view are dropped. */
  generation = 0

  constructor(
    readonly api: Api,
    cap: number,
    onSearchHistory: () => void,
    initLines?: number,
    /** Where the stream runs (the stream worker); in the page when not given. */
    readonly streams: StreamFactory = (file, h, skip) =>
      new Connection(api, file, h, initLines, skip)
  ) {
    // Registration order is run order within a frame: apply lines, then draw them, then chrome.
    ;({
      store: this.store,
      ingest: this.ingest,
      feed: this.feed,
      ingestTask: this.ingestTask,
      list: this.list,
      scrollback: this.scrollback,
      history: this.history,
    } = buildView(this, api, cap))
    this.chrome = this.loop.task('chrome', () =>
      drawChrome(this, this.view, {
        following: this.list.following,
        unseen: this.unseen,
        hiddenNew: this.hiddenNew,
        filterError: this.filterError,
      })
    )
    ;({
      filterBar: this.filterBar,
      levels: this.levels,
      view: this.view,
      wrap: this.wrap,
    } = wireControls(this, onSearchHistory))
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) this.hiddenNew = 0
      this.chrome.schedule()
    })
  }

  start = (files?: Promise<FileInfoJson[]>, seed?: PageSeed): Promise<void> =>
    startPage(this, files, seed)
  switchFile = (id: string): void => switchFile(this, id)
  selectFile = (id: string | undefined): void => selectFile(this, id)
  refreshFiles = (): void => refreshFiles(this)
  openAt = (link: Permalink): Promise<void> => openAt(this, link)
  backToLive = (): void => backToLive(this)
  toStart = (): Promise<void> => toStart(this)
  step = (dir: 1 | -1): void => step(this, dir)
  togglePause = (): void => togglePause(this)
  /** The marker's "load": see skipped-load.ts. */
  loadSkipped = (e: Entry): Promise<void> => loadSkippedRange(this, e)

  select(e: Entry | undefined): void {
    this.target = e
    this.list.invalidate(true)
  }

  permalinkOf(e: Entry): string | undefined {
    // A merged line's cursor is the merged view's, not a place in one file: no permalink.
    return this.file === MERGED ? undefined : this.address.permalink(this.file, e)
  }

  /** What tests and the browser benchmark read (`window.taillight.stats()`): see page-stats.ts. */
  stats() {
    return pageStats(this)
  }

  clearView = (): void => clearView(this)

  applyChange(c: ViewChange): void {
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
}
