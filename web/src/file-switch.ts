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
import { dropSeedRows, type PageSeed } from './page-seed.js'
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

/**
 * `early`: the file list, when the page asked for it before building the viewer; `seed`: the
 * lines the page carried (page-seed.ts), shown by the boot script and now the view's init.
 */
export async function startPage(
  app: SwitchHost,
  early?: Promise<FileInfoJson[]>,
  seed?: PageSeed
): Promise<void> {
  setInterval(() => refreshFiles(app), FILES_POLL_MS)
  const asked = new URLSearchParams(location.search).get('file') ?? undefined
  const link = parsePermalink(location.hash)
  // First paint: the stream opens now, for the file the address names (none: the server's
  // first, which is the list's first), while the file list is still on its way. With a seed
  // the view starts from its lines and the stream resumes where they end.
  if (!link && seed) {
    // Its file as the list will give it: the footer says "showing 200 of 1.2 GB" at once.
    app.files = [seed.info]
    selectFile(app, seed.file)
    app.handlers.init(seed, seed.cursor)
    performance.mark('taillight-init')
    app.conn?.start(seed.cursor)
  } else if (!link) {
    selectFile(app, asked)
    app.conn?.start()
  }
  // Drawn by the boot script until now; this task also schedules the list's first frame, so
  // the page never paints between the two.
  dropSeedRows(el('log'))
  try {
    app.files = FileTabs.distinct(await (early ?? app.api.files()))
  } catch (e) {
    app.status.connection({ state: 'offline', message: (e as Error).message })
    // The stream already opened keeps its own reconnecting; the list comes with the poll.
    if (!link) return
  }
  const id = link?.file ?? asked
  const known =
    app.files.some((f) => f.id === id) || (id === MERGED && FileTabs.canMerge(app.files))
  const want = known ? id : app.files[0]?.id
  if (link) {
    selectFile(app, want)
    await app.openAt(link)
  } else if (want === app.file || app.file === undefined) {
    app.file = want
    showFile(app)
  } else {
    selectFile(app, want)
    app.conn?.start()
  }
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
  showFile(app)
  app.clearView()
  app.conn = app.streams(id, app.handlers, () => skipBytes(app.store.cap, app.lineSize.average))
}

/** The tabs, the footer's path and backend, and the download link, for the file shown. */
function showFile(app: SwitchHost): void {
  const info = app.files.find((f) => f.id === app.file)
  app.tabs.render(app.files, app.file)
  app.status.path(info?.path)
  app.status.backend(backendText(info))
  showDownload(app)
}

const DOWNLOAD_TITLE = 'Download the whole file'
const NO_MERGED_DOWNLOAD =
  'The "All" view has no single file to download: use Save shown, or Download in a file\'s tab'

/** The merged view interleaves several files: there is no one file to download there. */
function showDownload(app: SwitchHost): void {
  const a = el<HTMLAnchorElement>('download-file')
  const merged = app.file === MERGED
  if (merged) a.removeAttribute('href')
  else a.href = app.api.url('download', { file: app.file })
  a.setAttribute('aria-disabled', String(merged))
  a.classList.toggle('disabled', merged)
  a.title = merged ? NO_MERGED_DOWNLOAD : DOWNLOAD_TITLE
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
      // Opened before the list came: the stream is the server's first file, the list's first.
      if (app.file === undefined && files[0]) {
        app.file = files[0].id
        return showFile(app)
      }
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
