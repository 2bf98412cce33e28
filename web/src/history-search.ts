/**
 * @module Search beyond what is loaded: /api/search scans the file backwards on the server (linear-time
 * engine, time and byte budgets), page by page. Results open as permalinks.
 */
import type { Api } from './api.js'
import type { Commands } from './commands.js'
import type { FilterSpec } from './filter.js'
import { formatPermalink } from './permalink.js'
import { h } from './dom.js'
import type { Panel } from './panel.js'
import { stripAnsi } from './ansi.js'

export interface SearchHost {
  readonly api: Api
  readonly file: string | undefined
  readonly filterBar: { readonly spec: FilterSpec }
  openAt: Commands['openAt']
}

export async function searchHistory(
  app: SearchHost,
  panel: Panel,
  before?: string,
  into?: HTMLElement
) {
  const { text, regex, caseSensitive } = app.filterBar.spec
  const file = app.file
  if (!text || file === undefined) return
  const results = into ?? h('div')
  results.dataset.testid = 'search-results'
  if (!into) panel.open(`History: ${regex ? `/${text}/` : `"${text}"`}`, results)
  const status = results.appendChild(h('p', { className: 'note', textContent: 'Searching…' }))
  try {
    const page = await app.api.search({ file, text, regex, caseSensitive }, before)
    status.remove()
    for (const m of page.matches) {
      const link = h('a', { className: 'hit', textContent: stripAnsi(m.line) })
      if (m.cursor) {
        link.href = formatPermalink({ file, cursor: m.cursor, back: 0 })
        link.addEventListener('click', (ev) => {
          ev.preventDefault()
          history.replaceState(null, '', `${location.search}${link.hash}`)
          void app.openAt({ file, cursor: m.cursor as string, back: 0 })
        })
      }
      results.append(link)
    }
    if (page.matches.length === 0 && !page.next)
      results.append(h('p', { className: 'note', textContent: 'No more matches in this file.' }))
    if (page.next) {
      const more = results.appendChild(
        h('button', { type: 'button', textContent: 'Search further back' })
      )
      more.addEventListener('click', () => {
        more.remove()
        void searchHistory(app, panel, page.next ?? undefined, results)
      })
    }
  } catch (e) {
    status.textContent = `Search failed: ${(e as Error).message}`
  }
}
