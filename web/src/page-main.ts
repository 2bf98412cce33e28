/**
 * @module The page: reads its URL (token, file, cap, lines, worker, permalink), starts the
 * stream worker and the viewer, and wires the page-wide controls. The stream is asked for
 * first: the worker reads it while this thread builds the viewer (see openEarly).
 */
import { Api } from './api.js'
import { App } from './app.js'
import { searchHistory } from './history-search.js'
import { wireGotoTime } from './goto-time.js'
import { wireKeyboard } from './keyboard.js'
import { wireExtras } from './page-extras.js'
import { wireLineActions } from './line-actions.js'
import { Panel } from './panel.js'
import { parsePermalink } from './permalink.js'
import { el } from './dom.js'

import { Connection, type StreamFactory } from './connection.js'
import { openEarly, WorkerStream, type EarlyStream } from './worker-stream.js'

/** The stream worker's bundle, named for its content by the web build (scripts/build-web.mjs). */
declare const __STREAM_WORKER__: string

const DEFAULT_CAP = 100_000
// Fixed 20px rows: 500k lines is a 10M px list, safely under Chromium's ~16.7M px element limit.
const MAX_CAP = 500_000

export function runPage(script: string): void {
  const params = new URLSearchParams(location.search)
  const capParam = Number(params.get('cap'))
  const cap =
    Number.isInteger(capParam) && capParam >= 100 && capParam <= MAX_CAP ? capParam : DEFAULT_CAP
  // Relative to the page so the viewer also works behind a reverse proxy under a sub-path.
  const base = new URL('.', location.href).toString()
  const token = params.get('token')
  const api = new Api(base, token)
  const linesParam = Number(params.get('lines') ?? NaN)
  const initLines = Number.isInteger(linesParam) && linesParam >= 0 ? linesParam : undefined
  const worker = params.get('worker') === '0' ? undefined : startWorker(script)
  // The file the address names (startPage opens the same one first); a permalink opens where
  // it points instead, so it is not asked early.
  const asked = params.get('file') ?? undefined
  let early: EarlyStream | undefined =
    worker && !parsePermalink(location.hash)
      ? openEarly(worker, { base, token, file: asked, initLines, cap })
      : undefined
  // Asked next, while the page builds itself: the tabs need it, the first lines do not wait.
  const files = api.files()
  const panel = new Panel()
  const streams: StreamFactory | undefined = worker
    ? (file, h, skip) => {
        const adopt = early?.file === file ? early : undefined
        early = undefined
        return new WorkerStream(worker, h, {
          base,
          token,
          file,
          initLines,
          cap,
          backlog: () => app.ingest.queued,
          inPage: () => new Connection(api, file, h, initLines, skip),
          early: adopt,
        })
      }
    : undefined
  const app: App = new App(api, cap, () => void searchHistory(app, panel), initLines, streams)
  // Before the rest is wired: the stream opens now, and nothing it sends arrives in this task.
  void app.start(files)
  // Marks for bench/first-paint.mjs: what building the viewer costs before the first rows.
  performance.mark('taillight-viewer')

  wireGotoTime(api, () => app.file, app)
  const { highlights } = wireExtras(app)
  wireLineActions(app, (row) => app.list.itemOf(row), el('log'), panel)
  wireKeyboard(app, {
    filterBar: app.filterBar,
    panel,
    toggleWrap: () => app.wrap.toggle(),
    focusLevels: () => app.levels.focus(),
    highlights,
  })
  el('download-shown').addEventListener('click', () => {
    const blob = new Blob([app.store.shownText(false)], { type: 'text/plain;charset=utf-8' })
    const a = document.createElement('a')
    a.href = URL.createObjectURL(blob)
    const name = (app.files.find((f) => f.id === app.file)?.path ?? 'log').split('/').pop()
    a.download = `${name}${app.store.filtered ? '.filtered' : ''}.txt`
    a.click()
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
  })
  addEventListener('hashchange', () => {
    const link = parsePermalink(location.hash)
    if (link) void app.openAt(link)
  })
  // Exposed for the end-to-end tests and the browser benchmark (read-only use).
  Object.assign(window, { taillight: app })
  performance.mark('taillight-wired')
}

/** The stream worker's bundle sits beside app.js; undefined where workers are unavailable. */
function startWorker(script: string): Worker | undefined {
  try {
    return new Worker(new URL(__STREAM_WORKER__, new URL(script, location.href)), {
      name: 'taillight-stream',
    })
  } catch {
    return undefined
  }
}
