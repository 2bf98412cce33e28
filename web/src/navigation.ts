/**
 * @module Where the view is: the history view around a line (permalink, search hit, time), back
 * to live, the start of the file, and stepping through matches. The command interface's moves
 * (commands.ts), kept apart from the wiring so each can be read and tested on its own terms.
 */
import type { Stream } from './connection.js'
import type { Feed } from './feed.js'
import type { FrameTask } from './frame-loop.js'
import type { HistoryView } from './history-view.js'
import { nextMatch } from './match-step.js'
import type { PageAddress } from './page-address.js'
import type { Permalink } from './permalink.js'
import type { Scrollback } from './scrollback.js'
import type { Entry, LineStore } from './store.js'
import type { VirtualList } from './virtual-list.js'

export interface NavHost {
  readonly list: VirtualList<Entry>
  readonly history: HistoryView
  readonly address: PageAddress
  readonly store: LineStore
  readonly scrollback: Scrollback
  readonly chrome: FrameTask
  readonly feed: Feed
  readonly file: string | undefined
  readonly conn: Stream | undefined
  readonly target: Entry | undefined
  resetReason: string | undefined
  selectFile(id: string | undefined): void
  select(e: Entry | undefined): void
  clearView(): void
  changed(repaint?: boolean): void
}

export async function openAt(app: NavHost, link: Permalink): Promise<void> {
  if (link.file && link.file !== app.file) app.selectFile(link.file)
  const file = app.file
  if (file === undefined) return
  app.list.followable = false
  // The live stream only counts while the history view is shown: from a fresh init.
  if (!app.history.active) app.conn?.start()
  try {
    const target = await app.history.open(file, link)
    if (target) app.select(target)
  } catch (e) {
    app.resetReason = `this link no longer points into the file (${(e as Error).message})`
    backToLive(app)
  }
}

export function backToLive(app: NavHost): void {
  app.list.followable = true
  if (app.history.active) {
    app.history.close()
    app.address.dropLink()
    app.clearView()
    app.conn?.start()
  }
  app.select(undefined)
  app.list.scrollToBottom()
  app.changed(true)
}

/** Home / g: the oldest loaded line, and older ones load as the view reaches them. */
export function toStart(app: NavHost): void {
  app.list.scrollToTop()
  if (app.file !== undefined) void app.scrollback.load(app.file)
  app.chrome.schedule()
}

export function step(app: NavHost, dir: 1 | -1): void {
  const store = app.store
  const from = app.target ? store.rowOf(app.target) : -1
  const hit = (e: Entry) => !e.marker && store.ranges(e).length > 0
  const i = nextMatch({ count: store.count, row: (r) => store.row(r), hit }, from, dir)
  if (i < 0) return
  app.select(store.row(i))
  app.list.scrollToRow(i)
}

/** Pause holds new lines; resume applies them, or refetches when more came than it could hold. */
export function togglePause(app: NavHost): void {
  if (!app.feed.paused) app.feed.pause()
  else if (app.feed.resume() === 'refetch') app.conn?.start(app.feed.applied)
  app.chrome.schedule()
}
