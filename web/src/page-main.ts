/**
 * @module The page: takes the stream worker, the early stream and the file list that boot.js
 * started (page-boot.ts), builds the viewer on them, and wires the page-wide controls.
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
import { boot, takeBoot } from './page-boot.js'
import { pageParams } from './page-params.js'
import { WorkerStream } from './worker-stream.js'

export function runPage(script: string): void {
  const { cap, base, token, initLines } = pageParams()
  // Usually done by boot.js while this bundle was on its way; else now, before the viewer.
  const started = takeBoot() ?? boot(pageParams(), script)
  const { worker, files } = started
  let early = started.early
  const api = new Api(base, token)
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
  // A seed is applied at once, though, and the watchers wired below must see its lines.
  const seed = started.seed
  if (!seed) void app.start(files)
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
  if (seed) void app.start(files, seed)
  // Exposed for the end-to-end tests and the browser benchmark (read-only use).
  Object.assign(window, { taillight: app })
  performance.mark('taillight-wired')
}
