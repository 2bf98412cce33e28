/**
 * @module Wires the viewer together for one page: the active file's connection feeds the
 * pause-aware feed, which queues into the ingest; one frame loop applies a budgeted slice of
 * that queue, then redraws the virtual list and the chrome (jump button, counts, pause label),
 * each at most once per animation frame whatever the event rate.
 */
import type { SkippedEvent } from '../../src/core/protocol.js'
import { backendText, type Api, type FileInfoJson } from './api.js'
import { Connection, type ConnStatus, type Stream, type StreamFactory } from './connection.js'
import { Feed } from './feed.js'
import { FileTabs } from './file-tabs.js'
import { compileFilter, type FilterSpec } from './filter.js'
import { FilterBar } from './filter-bar.js'
import { FrameLoop, type FrameTask } from './frame-loop.js'
import { Ingest } from './ingest.js'
import { LineSizeEstimate, skipBytes } from './skip-size.js'
import { loadSkipped } from './skipped-load.js'
import { noticeText } from './notices.js'
import { formatPermalink, parsePermalink } from './permalink.js'
import { openPermalink } from './permalink-view.js'
import { fillRow } from './row-view.js'
import { Scrollback } from './scrollback.js'
import { el } from './dom.js'
import { StatusBar } from './status-bar.js'
import { LineStore, type Entry } from './store.js'
import { VirtualList } from './virtual-list.js'

export class App {
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
  file: string | undefined
  files: FileInfoJson[] = []
  target: Entry | undefined
  private conn: Stream | undefined
  private unseen = 0
  private filterError: string | undefined
  private resetReason: string | undefined
  private readonly tabs = new FileTabs((id) => this.switchFile(id))
  private readonly chrome: FrameTask
  private readonly ingestTask: FrameTask
  /** Bumped whenever the view is cleared: late range loads for the old view are dropped. */
  private generation = 0
  private readonly pauseBtn = el<HTMLButtonElement>('pause')
  private readonly jumpBtn = el<HTMLButtonElement>('jump')

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
    this.ingest = new Ingest(
      {
        lines: (texts, start, end, cursor) =>
          this.applyChange(this.store.appendSlice(texts, start, end, cursor)),
        skipped: (range) => this.applyChange(this.store.skipped(range)),
        notice: (type, data) => this.applyChange(this.store.marker(noticeText(type, data))),
      },
      cap
    )
    // Registration order is run order within a frame: apply lines, then draw them, then chrome.
    this.ingestTask = this.loop.task('ingest', () => {
      const more = this.ingest.drain()
      this.conn?.topUp?.()
      return more
    })
    const log = el('log')
    this.list = new VirtualList(this.loop, log, this.store, (row, e) => this.fill(row, e), {
      follow: (f) => {
        if (f) this.unseen = 0
        this.chrome.schedule()
      },
      nearTop: () => this.file !== undefined && void this.scrollback.load(this.file),
    })
    this.chrome = this.loop.task('chrome', () => this.drawChrome())
    this.scrollback = new Scrollback(api, this.store, (rows) => {
      this.list.shift(rows)
      this.changed()
    })
    this.feed = new Feed(
      {
        append: (lines, cursor) => {
          this.ingest.lines(lines, cursor)
          this.ingestTask.schedule()
        },
        notice: (type, data, id) => {
          if (type === 'skipped') this.ingest.skipped(data as unknown as SkippedEvent)
          else this.ingest.notice(type, data, id)
          this.ingestTask.schedule()
        },
      },
      cap,
      () => this.conn?.stop()
    )
    this.filterBar = new FilterBar((spec) => this.setFilter(spec), onSearchHistory)
    this.pauseBtn.addEventListener('click', () => this.togglePause())
    this.jumpBtn.addEventListener('click', () => this.jumpToLatest())
  }

  async start(): Promise<void> {
    try {
      this.files = await this.api.files()
    } catch (e) {
      this.status.connection({ state: 'offline', message: (e as Error).message })
    }
    const asked = new URLSearchParams(location.search).get('file') ?? undefined
    const link = parsePermalink(location.hash)
    const id = link?.file ?? asked
    this.select(this.files.some((f) => f.id === id) ? id : this.files[0]?.id)
    if (link) await openPermalink(this, link)
    else this.conn?.start()
  }

  switchFile(id: string): void {
    if (id === this.file) return
    history.replaceState(null, '', `?${this.query(id)}`)
    this.queryCache = undefined
    this.select(id)
    this.conn?.start()
  }

  /** (Re)opens the stream: resumed after `cursor`, or from a fresh init without one. */
  stream(cursor?: string): void {
    this.conn?.start(cursor)
  }

  stopStream(): void {
    this.conn?.stop()
  }

  /** A gap marker shown above the next init (a reset, a dead permalink). */
  noteReset(text: string): void {
    this.resetReason = text
  }

  permalinkOf(e: Entry): string | undefined {
    if (!e.cursor || e.marker) return undefined
    return `?${this.query(this.file)}${formatPermalink({ file: this.file, cursor: e.cursor, back: e.back })}`
  }

  togglePause(): void {
    if (!this.feed.paused) this.feed.pause()
    else if (this.feed.resume() === 'refetch') this.conn?.start(this.feed.applied)
    this.chrome.schedule()
  }

  jumpToLatest(): void {
    this.target = undefined
    this.list.scrollToBottom()
    this.list.invalidate(true)
  }

  setFilter(spec: FilterSpec): void {
    const f = compileFilter(spec)
    this.store.setFilter(f)
    this.filterError = f.error
    this.changed(true)
    if (!this.list.following && this.target) {
      for (let i = 0; i < this.store.count; i++)
        if (this.store.row(i) === this.target) return this.list.scrollToRow(i)
    }
  }

  select(id: string | undefined): void {
    this.conn?.stop()
    this.file = id
    const info = this.files.find((f) => f.id === id)
    this.tabs.render(this.files, id)
    this.status.path(info?.path)
    this.status.backend(backendText(info))
    el<HTMLAnchorElement>('download-file').href = this.api.url('download', { file: id })
    this.clearView()
    this.conn = this.streams(
      id,
      {
        init: (ev, cursor) => this.onInit(ev.lines, cursor, ev.first),
        update: (lines, cursor) => {
          this.lineSize.observe(lines)
          this.feed.batch(lines, cursor)
          // While paused nothing is drawn, but the held count on the pause button changes.
          if (this.feed.paused) this.chrome.schedule()
        },
        skipped: (ev, cursor) => {
          this.feed.notice('skipped', { ...ev }, cursor)
          if (this.feed.paused) this.chrome.schedule()
        },
        notice: (type, data, id) => {
          if (type === 'reset') this.resetReason = noticeText(type, data)
          else this.feed.notice(type, data, id)
        },
        status: (s) => this.onStatus(s),
      },
      () => skipBytes(this.store.cap, this.lineSize.average)
    )
  }

  private onInit(lines: string[], cursor: string | undefined, first?: string): void {
    this.clearView()
    if (this.resetReason) this.store.marker(this.resetReason)
    this.resetReason = undefined
    this.lineSize.observe(lines)
    this.store.append(lines, cursor)
    this.feed.reset(cursor)
    this.ingest.reset(cursor)
    // `first` says exactly where the init starts; older servers only gave the end and a count.
    if (first) this.scrollback.fromStart(first, false)
    else this.scrollback.fromEnd(cursor, lines.length)
    this.list.scrollToBottom()
    this.changed(true)
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

  /**
   * What tests and the browser benchmark read (`window.taillight.stats()`): O(1), so calling it
   * during a burst costs nothing. Counts are since the page opened.
   */
  stats() {
    return {
      frames: this.loop.frames,
      longestFrameMs: this.loop.longest,
      longestTaskMs: this.loop.longestByTask(),
      queued: this.ingest.queued,
      discarded: this.ingest.discarded,
      skippedRanges: this.ingest.skippedRanges,
      skippedBytes: this.ingest.skippedBytes,
      lines: this.store.total,
      stream: this.conn?.where,
      skip: skipBytes(this.store.cap, this.lineSize.average),
      newest: this.store.row(this.store.count - 1)?.text,
    }
  }

  private onStatus(s: ConnStatus): void {
    this.status.connection(s)
    // The backend can change (inotify → poll on ENOSPC, file recreated): refresh on each connect.
    if (s.state === 'live')
      this.api.files().then(
        (files) => {
          this.files = files
          this.status.backend(backendText(files.find((f) => f.id === this.file)))
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

  private applyChange(c: { added: number; trimmed: number }): void {
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
    if (e === this.target) row.classList.add('target')
  }

  private drawChrome(): void {
    const held = this.feed.held
    this.pauseBtn.textContent = this.feed.paused
      ? `Resume${held ? ` (${held.toLocaleString('en-US')}${this.feed.overflowed ? '+' : ''} new)` : ''}`
      : 'Pause'
    this.pauseBtn.setAttribute('aria-pressed', String(this.feed.paused))
    const showJump = !this.list.following && this.unseen > 0
    this.jumpBtn.hidden = !showJump
    if (showJump)
      this.jumpBtn.textContent = `${this.unseen.toLocaleString('en-US')} new line${this.unseen === 1 ? '' : 's'}, jump to latest`
    this.status.counts(this.store.count, this.store.total, this.store.filtered)
    this.filterBar.result(this.filterError, this.store.count, this.store.filtered)
  }

  // Asked for every row drawn (its permalink): the address is read once per file, since only
  // switchFile changes its query (permalinks and search results change the hash).
  private queryCache: { file: string | undefined; text: string } | undefined

  private query(file: string | undefined): string {
    const c = this.queryCache
    if (c && c.file === file) return c.text
    const q = new URLSearchParams(location.search)
    if (file !== undefined) q.set('file', file)
    this.queryCache = { file, text: q.toString() }
    return this.queryCache.text
  }
}
