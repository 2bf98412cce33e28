/**
 * @module The page's line view, built in one place and in the order the frame loop runs it: the
 * store, the pause-aware feed and its ingest (task 1: apply a budgeted slice of lines), the
 * virtual list (task 2: draw them), and the two ways the view grows past what the stream sent,
 * scrollback above and the history view's pages below. The chrome (task 3) is the App's.
 */
import type { Api } from './api.js'
import { fillEntry, type DrawHost } from './app-draw.js'
import type { Stream } from './connection.js'
import { el } from './dom.js'
import type { Feed } from './feed.js'
import type { FrameLoop, FrameTask } from './frame-loop.js'
import { HistoryView } from './history-view.js'
import type { Ingest } from './ingest.js'
import { liveFeed } from './live-feed.js'
import { clearRow } from './row-view.js'
import { Scrollback } from './scrollback.js'
import { loadSkipped } from './skipped-load.js'
import { LineStore, type Entry, type ViewChange } from './store.js'
import { VirtualList } from './virtual-list.js'

export interface ViewHost extends DrawHost {
  readonly api: Api
  readonly loop: FrameLoop
  readonly conn: Stream | undefined
  readonly chrome: FrameTask
  /** Bumped by clearView: a load started for an older view is dropped. */
  generation: number
  unseen: number
  target: Entry | undefined
  readonly feed: Feed
  readonly ingest: Ingest
  readonly store: LineStore
  readonly list: VirtualList<Entry>
  applyChange(c: ViewChange): void
  changed(repaint?: boolean): void
}

export interface ViewParts {
  store: LineStore
  ingest: Ingest
  feed: Feed
  ingestTask: FrameTask
  list: VirtualList<Entry>
  scrollback: Scrollback
  history: HistoryView
}

export function buildView(app: ViewHost, api: Api, cap: number): ViewParts {
  const store = new LineStore(cap)
  const { ingest, feed } = liveFeed({
    store,
    cap,
    applied: (c) => app.applyChange(c),
    schedule: () => ingestTask.schedule(),
    overflow: () => app.conn?.stop(),
  })
  const ingestTask = app.loop.task('ingest', () => {
    const more = ingest.drain()
    app.conn?.topUp?.()
    return more
  })
  // Rows are drawn in frames, after the App holding these parts is built.
  const list = new VirtualList(app.loop, el('log'), store, (row, e) => fillEntry(app, row, e), {
    follow: (f) => {
      if (f) app.unseen = 0
      app.chrome.schedule()
    },
    nearTop: () => app.file !== undefined && void scrollback.load(app.file),
    nearBottom: () => app.file !== undefined && void history.more(app.file),
    hidden: (row) => clearRow(row),
  })
  const scrollback = new Scrollback(api, store, (rows) => {
    list.shift(rows)
    app.changed()
  })
  const history: HistoryView = new HistoryView({
    api,
    store,
    scrollback,
    clear: () => (clearView(app), app.generation),
    current: (token) => token === app.generation,
    applied: (c) => app.applyChange(c),
    reveal: (row) => (list.scrollToRow(row), app.changed(true)),
  })
  return { store, ingest, feed, ingestTask, list, scrollback, history }
}

/** The marker's "load" (skipped-load.ts), dropped if the view is cleared meanwhile. */
export function loadSkippedRange(app: ViewHost, e: Entry): Promise<void> {
  const file = app.file
  if (file === undefined) return Promise.resolve()
  const gen = app.generation
  return loadSkipped(
    {
      api: app.api,
      store: app.store,
      following: () => app.list.following,
      current: () => gen === app.generation,
      shift: (rows) => app.list.shift(rows),
      changed: () => app.changed(true),
    },
    file,
    e
  )
}

/** Empties the view for a new stream or range; late loads for the old one are dropped. */
export function clearView(app: ViewHost): void {
  app.generation++
  app.store.clear()
  app.scrollback.hold()
  app.feed.reset(undefined)
  app.ingest.reset(undefined)
  app.target = undefined
  app.unseen = 0
}
