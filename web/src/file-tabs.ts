/**
 * @module Tabs for the followed files (from /api/files), one per distinct path; hidden when the
 * server follows just one. A background tab shows a badge when its file grew since it was last
 * shown ("new") or cannot be followed ("!" with the state), from the sizes and states of the
 * periodic /api/files, so no background file costs a stream. With two files or more, a last
 * tab "All" shows them merged by time (`file=*`, MERGED).
 */
import type { FileInfoJson } from './api.js'
import { el } from './dom.js'
import { setTagOrder } from './file-tag.js'

/** The id the merged view goes by, in the page and on the wire (`/events?file=*`). */
export const MERGED = '*'

export class FileTabs {
  private readonly nav = el('files')
  /** Size of each file when it was last the active one (or first seen). */
  private readonly seen = new Map<string, number>()

  constructor(private readonly onSelect: (id: string) => void) {}

  /** One file per path: the same path given twice is one file to the reader. */
  static distinct(files: FileInfoJson[]): FileInfoJson[] {
    const paths = new Set<string>()
    return files.filter((f) => !paths.has(f.path) && paths.add(f.path))
  }

  /** Whether the page may show the merged view of these files. */
  static canMerge(files: FileInfoJson[]): boolean {
    return files.length > 1
  }

  render(files: FileInfoJson[], active: string | undefined): void {
    const merged = active === MERGED
    for (const f of files) {
      if (merged || f.id === active || !this.seen.has(f.id)) this.seen.set(f.id, f.size)
    }
    setTagOrder(files.map((f) => f.id))
    if (files.length < 2) {
      this.nav.replaceChildren()
      return
    }
    // "All" comes after the files: a file keeps its place whether or not there is a merge.
    this.nav.replaceChildren(
      ...files.map((f) => {
        const b = document.createElement('button')
        b.type = 'button'
        b.className = 'tab'
        b.dataset.testid = 'file-tab'
        b.dataset.file = f.id
        b.setAttribute('role', 'tab')
        b.setAttribute('aria-selected', String(f.id === active))
        b.textContent = f.path.split('/').pop() || f.path
        b.title = f.path
        const badge = f.id === active ? undefined : this.badge(f)
        if (badge) b.append(badge)
        b.addEventListener('click', () => this.onSelect(f.id))
        return b
      }),
      this.allTab(merged)
    )
  }

  private allTab(active: boolean): HTMLButtonElement {
    const b = document.createElement('button')
    b.type = 'button'
    b.className = 'tab tab-all'
    b.dataset.testid = 'file-tab'
    b.dataset.file = MERGED
    b.dataset.merged = 'true'
    b.setAttribute('role', 'tab')
    b.setAttribute('aria-selected', String(active))
    b.textContent = 'All'
    b.title = 'Every file, interleaved by time, each line tagged with its file'
    b.addEventListener('click', () => this.onSelect(MERGED))
    return b
  }

  private badge(f: FileInfoJson): HTMLElement | undefined {
    const broken = f.state === 'error' || f.state === 'missing'
    const grew = f.size > (this.seen.get(f.id) ?? f.size)
    if (!broken && !grew) return undefined
    const s = document.createElement('span')
    s.className = broken ? 'badge badge-error' : 'badge'
    s.dataset.testid = 'tab-badge'
    s.textContent = broken ? '!' : 'new'
    s.title = broken ? `${f.state}` : 'written to since you last looked'
    return s
  }
}
