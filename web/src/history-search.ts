/**
 * @module Search beyond what is loaded: /api/search scans the file backwards on the server (linear-time
 * engine, time and byte budgets), page by page, streamed with progress and a Cancel. Results
 * open in the history view.
 */
import type { Api } from './api.js'
import type { Commands } from './commands.js'
import type { FilterSpec } from './filter.js'
import { formatPermalink } from './permalink.js'
import { h } from './dom.js'
import type { Panel } from './panel.js'
import { stripAnsi } from './ansi.js'
import { streamSearch } from './search-events.js'

export interface SearchHost {
  readonly api: Api
  readonly file: string | undefined
  readonly filterBar: { readonly spec: FilterSpec }
  openAt: Commands['openAt']
}

const MB = (b: number) => `${(b / 1e6).toFixed(b < 1e7 ? 1 : 0)} MB`

/** One page of history search, streamed: progress and a Cancel while it runs. */
export function searchHistory(app: SearchHost, panel: Panel, before?: string, into?: HTMLElement) {
  const { text, regex, caseSensitive } = app.filterBar.spec
  const file = app.file
  if (!text || file === undefined) return
  const results = into ?? h('div')
  results.dataset.testid = 'search-results'
  if (!into) panel.open(`History: ${regex ? `/${text}/` : `"${text}"`}`, results)
  const status = results.appendChild(h('p', { className: 'note', textContent: 'Searching…' }))
  status.dataset.testid = 'search-progress'
  const cancel = results.appendChild(h('button', { type: 'button', textContent: 'Cancel' }))
  cancel.dataset.testid = 'search-cancel'
  let found = 0
  const stop = streamSearch(app.api, { file, text, regex, caseSensitive }, before, {
    match: (m) => {
      found++
      results.insertBefore(hit(app, file, m.line, m.cursor, m.source), status)
    },
    progress: (p) => {
      status.textContent = `Searching… ${MB(p.scannedBytes)} of ${MB(p.totalBytes)}`
    },
    done: (d) => {
      cancel.remove()
      status.remove()
      if (found === 0 && !d.next)
        results.append(h('p', { className: 'note', textContent: 'No more matches in this file.' }))
      if (d.next) {
        const more = results.appendChild(
          h('button', { type: 'button', textContent: 'Search further back' })
        )
        more.addEventListener('click', () => {
          more.remove()
          searchHistory(app, panel, d.next ?? undefined, results)
        })
      }
    },
    failed: (message) => {
      cancel.remove()
      status.textContent = `Search failed: ${message}`
    },
  })
  cancel.addEventListener('click', () => {
    stop()
    cancel.remove()
    status.textContent = `Cancelled after ${found} match${found === 1 ? '' : 'es'}.`
  })
}

function hit(
  app: SearchHost,
  file: string,
  line: string,
  cursor: string,
  source: string | undefined
): HTMLElement {
  const link = h('a', { className: 'hit', textContent: stripAnsi(line) })
  // A match in a rotated sibling says which one: the same text may be in several.
  if (source !== undefined) {
    const tag = h('span', { className: 'hit-source', textContent: source })
    tag.dataset.testid = 'hit-source'
    link.prepend(tag)
  }
  link.href = formatPermalink({ file, cursor, back: 0 })
  link.addEventListener('click', (ev) => {
    ev.preventDefault()
    history.replaceState(null, '', `${location.search}${link.hash}`)
    void app.openAt({ file, cursor, back: 0 })
  })
  return link
}
