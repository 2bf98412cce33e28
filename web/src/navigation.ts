/**
 * @module Where the view is: the history view around a line (permalink, search hit, time), back
 * to live, the start of the file, and stepping through matches. The command interface's moves
 * (commands.ts), kept apart from the wiring so each can be read and tested on its own terms.
 */
import type { Api } from './api.js'
import type { Stream } from './connection.js'
import type { Feed } from './feed.js'
import { MERGED } from './file-tabs.js'
import type { FrameTask } from './frame-loop.js'
import type { HistoryView } from './history-view.js'
import { nextMatch } from './match-step.js'
import type { PageAddress } from './page-address.js'
import type { Permalink } from './permalink.js'
import type { Scrollback } from './scrollback.js'
import type { Entry, LineStore } from './store.js'
import type { VirtualList } from './virtual-list.js'

export interface NavHost {
  readonly api: Api
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

/**
 * Home / g: the file's first line, selected. One page of scrollback reaches it in a small file;
 * otherwise the history view opens at the start (`from=start`), however much is loaded.
 */
export async function toStart(app: NavHost): Promise<void> {
  const file = app.file
  if (file === undefined) return
  if (!app.scrollback.atStart) await app.scrollback.load(file)
  // The merged view has no one start: its first loaded line is as far back as it goes.
  if (file === MERGED || (app.scrollback.atStart && !app.history.active)) {
    const first = firstLine(app.store)
    // A row, not scrollTop = 0: the page scrollback just loaded is still to be shifted in.
    app.list.scrollToRow(first ? app.store.rowOf(first) : 0)
    app.select(first)
    app.chrome.schedule()
    return
  }
  try {
    const page = await app.api.linesStart(file, 1)
    if (page.lines.length > 0 && file === app.file)
      await openAt(app, { file, cursor: page.last, back: 0 })
  } catch (e) {
    app.store.marker(`could not open the start of the file: ${(e as Error).message}`)
    app.changed(true)
  }
}

function firstLine(store: LineStore): Entry | undefined {
  for (let i = 0; i < store.count; i++) {
    const e = store.row(i) as Entry
    if (!e.marker) return e
  }
  return undefined
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
