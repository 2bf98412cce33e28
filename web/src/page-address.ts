/**
 * @module The page's address: `?file=` names the file shown, the hash a permalinked line. Rows
 * ask for their permalink on every draw, so the query is read once per file rather than parsed
 * from location each time (only switching files changes it; links change the hash).
 */
import { formatPermalink } from './permalink.js'
import type { Entry } from './store.js'

export class PageAddress {
  private cache: { file: string | undefined; text: string } | undefined

  setFile(id: string): void {
    this.cache = undefined
    history.replaceState(null, '', `?${this.query(id)}`)
  }

  /** Back to live: the line's hash no longer describes the view. */
  dropLink(): void {
    if (location.hash) history.replaceState(null, '', `${location.pathname}${location.search}`)
  }

  /** Shows a line's link in the address bar (a selected line, an opened search hit). */
  showLink(href: string): void {
    history.replaceState(null, '', href)
  }

  permalink(file: string | undefined, e: Entry): string | undefined {
    if (!e.cursor || e.marker) return undefined
    return `?${this.query(file)}${formatPermalink({ file, cursor: e.cursor, back: e.back })}`
  }

  private query(file: string | undefined): string {
    const c = this.cache
    if (c && c.file === file) return c.text
    const q = new URLSearchParams(location.search)
    if (file !== undefined) q.set('file', file)
    this.cache = { file, text: q.toString() }
    return this.cache.text
  }
}
