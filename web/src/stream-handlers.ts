/**
 * @module What the page does with each event of the live stream. While live: an init replaces
 * the view, updates and gaps go through the pause-aware feed. In a history view the stream only
 * counts what arrives (for "Back to live (N new)"), so no amount of writing moves or grows it.
 */
import type { StateEvent } from '../../src/core/protocol.js'
import type { ConnHandlers, ConnStatus } from './connection.js'
import type { Feed } from './feed.js'
import { MERGED } from './file-tabs.js'
import type { FrameTask } from './frame-loop.js'
import type { HistoryView } from './history-view.js'
import type { Ingest } from './ingest.js'
import { noticeText } from './notices.js'
import type { Scrollback } from './scrollback.js'
import type { LineSizeEstimate } from './skip-size.js'
import type { StatusBar } from './status-bar.js'
import type { LineStore } from './store.js'
import type { VirtualList } from './virtual-list.js'
import type { Entry } from './store.js'

export interface StreamHost {
  readonly history: HistoryView
  readonly feed: Feed
  readonly ingest: Ingest
  readonly store: LineStore
  readonly scrollback: Scrollback
  readonly list: VirtualList<Entry>
  readonly lineSize: LineSizeEstimate
  readonly status: StatusBar
  readonly chrome: FrameTask
  /** A gap marker shown above the next init (a reset, a dead permalink). */
  resetReason: string | undefined
  /** The file shown; MERGED for the merged view. */
  readonly file: string | undefined
  clearView(): void
  changed(repaint?: boolean): void
  refreshFiles(): void
}

export function streamHandlers(app: StreamHost): ConnHandlers {
  return {
    init: (ev, cursor) => {
      if (app.history.active) return
      if (app.file === MERGED) onMergedInit(app, ev.first)
      else onInit(app, ev.lines, cursor, ev.first)
    },
    update: (lines, cursor) => {
      app.lineSize.observe(lines)
      if (app.history.active) {
        app.history.arrived += lines.length
        app.chrome.schedule()
        return
      }
      app.feed.batch(lines, cursor)
      // While paused nothing is drawn, but the held count on the pause button changes.
      if (app.feed.paused) app.chrome.schedule()
    },
    skipped: (ev, cursor) => {
      if (app.history.active) return
      if (app.file === MERGED) return fileNotice(app, 'skipped', { ...ev }, cursor)
      app.feed.notice('skipped', { ...ev }, cursor)
      if (app.feed.paused) app.chrome.schedule()
    },
    notice: (type, data, id) => {
      // The merged view's gap events name their file: a marker row, never the view's state.
      if (typeof data.file === 'string' && app.file === MERGED) {
        if (app.history.active || (type === 'state' && data.state === 'following')) return
        return fileNotice(app, type, data, id)
      }
      if (type === 'state') return app.status.fileState(stateEvent(data))
      if (app.history.active) return
      if (type === 'reset') app.resetReason = noticeText(type, data)
      else app.feed.notice(type, data, id)
    },
    status: (s: ConnStatus) => {
      // A new stream starts with the file's state when it is not followed: forget the old one.
      if (s.state === 'live') app.status.fileState(undefined)
      app.status.connection(s)
      if (s.state === 'live') app.refreshFiles()
    },
  }
}

function stateEvent(d: Record<string, unknown>): StateEvent | undefined {
  const state = d.state
  if (state !== 'missing' && state !== 'error' && state !== 'following') return undefined
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  return { state, path: str(d.path) ?? '', code: str(d.code), message: str(d.message) }
}

/** One file's gap in the merged view: a marker row naming it, in its place among the lines. */
function fileNotice(app: StreamHost, type: string, d: Record<string, unknown>, id?: string) {
  const text =
    type === 'skipped'
      ? `${Number(d.bytes).toLocaleString('en-US')} bytes skipped here: open the file's tab to read them`
      : type === 'state'
        ? `${String(d.state)}${d.code ? ` (${String(d.code)})` : ''}: ${String(d.message ?? d.path ?? '')}`
        : noticeText(type, d)
  // A notice type that is its own text (notices.ts's fallback): rides the feed like any gap.
  app.feed.notice(`${String(d.file)}: ${text}`, {}, id)
  if (app.feed.paused) app.chrome.schedule()
}

/**
 * The merged view starts at the merge point (`first`: where it starts in each file); its lines
 * come as updates right after, and scrollback reads on from there, merged the same way.
 */
function onMergedInit(app: StreamHost, first: string) {
  app.clearView()
  if (app.resetReason) app.store.marker(app.resetReason)
  app.resetReason = undefined
  app.feed.reset(undefined)
  app.ingest.reset(undefined)
  app.scrollback.fromStart(first || undefined, !first)
  app.list.scrollToBottom()
  app.changed(true)
}

function onInit(app: StreamHost, lines: string[], cursor: string | undefined, first?: string) {
  app.clearView()
  if (app.resetReason) app.store.marker(app.resetReason)
  app.resetReason = undefined
  app.lineSize.observe(lines)
  app.store.append(lines, cursor)
  app.feed.reset(cursor)
  app.ingest.reset(cursor)
  // `first` says exactly where the init starts; older servers only gave the end and a count.
  if (first) app.scrollback.fromStart(first, false, true)
  else app.scrollback.fromEnd(cursor, lines.length)
  app.list.scrollToBottom()
  app.changed(true)
}
