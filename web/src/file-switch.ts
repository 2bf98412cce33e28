/**
 * @module Which file the page shows: the first one on open (or the one the address names), a
 * tab's on click, and the file set kept current by a poll of /api/files. Switching stops the old
 * stream and starts a fresh one, so a background file never costs a connection.
 */
import { backendText, type Api, type FileInfoJson } from './api.js'
import type { ConnHandlers, Stream, StreamFactory } from './connection.js'
import { el } from './dom.js'
import { FileTabs, MERGED } from './file-tabs.js'
import type { FrameTask } from './frame-loop.js'
import type { HistoryView } from './history-view.js'
import type { PageAddress } from './page-address.js'
import { parsePermalink, type Permalink } from './permalink.js'
import { skipBytes, type LineSizeEstimate } from './skip-size.js'
import type { StatusBar } from './status-bar.js'
import type { Entry, LineStore } from './store.js'
import type { VirtualList } from './virtual-list.js'

export interface SwitchHost {
  readonly api: Api
  readonly store: LineStore
  readonly status: StatusBar
  readonly history: HistoryView
  readonly list: VirtualList<Entry>
  readonly address: PageAddress
  readonly lineSize: LineSizeEstimate
  readonly tabs: FileTabs
  readonly chrome: FrameTask
  readonly streams: StreamFactory
  readonly handlers: ConnHandlers
  file: string | undefined
  files: FileInfoJson[]
  conn: Stream | undefined
  clearView(): void
  openAt(link: Permalink): Promise<void>
}

const FILES_POLL_MS = 5000

export async function startPage(app: SwitchHost): Promise<void> {
  setInterval(() => refreshFiles(app), FILES_POLL_MS)
  try {
    app.files = FileTabs.distinct(await app.api.files())
  } catch (e) {
    app.status.connection({ state: 'offline', message: (e as Error).message })
  }
  const asked = new URLSearchParams(location.search).get('file') ?? undefined
  const link = parsePermalink(location.hash)
  const id = link?.file ?? asked
  const known =
    app.files.some((f) => f.id === id) || (id === MERGED && FileTabs.canMerge(app.files))
  selectFile(app, known ? id : app.files[0]?.id)
  if (link) await app.openAt(link)
  else app.conn?.start()
}

export function switchFile(app: SwitchHost, id: string): void {
  if (id === app.file) return
  app.address.setFile(id)
  selectFile(app, id)
  app.conn?.start()
}

export function selectFile(app: SwitchHost, id: string | undefined): void {
  app.conn?.stop()
  app.history.close()
  app.list.followable = true
  app.file = id
  const info = app.files.find((f) => f.id === id)
  app.tabs.render(app.files, id)
  app.status.path(info?.path)
  app.status.backend(backendText(info))
  el<HTMLAnchorElement>('download-file').href = app.api.url('download', { file: id })
  app.clearView()
  app.conn = app.streams(id, app.handlers, () => skipBytes(app.store.cap, app.lineSize.average))
}

/**
 * The file set, sizes and states: on each connect (the backend can change: inotify → poll on
 * ENOSPC) and every few seconds (files appear and go with a pattern; background tabs' badges).
 */
export function refreshFiles(app: SwitchHost): void {
  app.api.files().then(
    (all) => {
      const files = FileTabs.distinct(all)
      app.files = files
      const active = files.find((f) => f.id === app.file)
      const merged = app.file === MERGED && FileTabs.canMerge(files)
      if (!active && !merged && files[0]) return switchFile(app, files[0].id)
      app.tabs.render(files, app.file)
      app.status.backend(backendText(active))
      app.chrome.schedule()
    },
    () => undefined
  )
}
