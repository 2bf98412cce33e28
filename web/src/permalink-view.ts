/**
 * @module Opening the page at a permalinked line: its context from /api/lines (the lines up to the link's
 * cursor), then the stream resumed from that cursor, so what came after follows in order. The
 * line is highlighted and centred; following stays off until the user jumps to the latest.
 */
import type { App } from './app.js'
import type { Permalink } from './permalink.js'

const CONTEXT = 100

export async function openPermalink(app: App, p: Permalink): Promise<void> {
  if (p.file && p.file !== app.file) app.select(p.file)
  const file = app.file
  if (file === undefined) return
  app.stopStream()
  try {
    const limit = p.back + 1 + CONTEXT
    const page = await app.api.lines(file, p.cursor, limit)
    app.clearView()
    app.store.append(page.lines, p.cursor)
    app.feed.reset(p.cursor)
    app.ingest.reset(p.cursor)
    app.scrollback.fromStart(page.first || undefined, page.atStart)
    // Rows are searched rather than counted back: an active filter may hide some of them.
    let at = app.store.count - 1
    for (let i = at; i >= 0; i--) {
      const e = app.store.row(i)
      if (e && e.cursor === p.cursor && e.back <= p.back) at = i
      if (e && e.cursor === p.cursor && e.back === p.back) app.target = e
    }
    app.list.scrollToRow(Math.max(0, at))
    app.changed(true)
    app.stream(p.cursor)
  } catch (e) {
    app.noteReset(`this link no longer points into the file (${(e as Error).message})`)
    app.stream()
  }
}
