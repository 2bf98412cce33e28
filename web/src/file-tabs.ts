/**
 * @module Tabs for the followed files (from /api/files), one per distinct path; hidden when the
 * server follows just one. A background tab shows a badge when its file grew since it was last
 * shown ("new") or cannot be followed ("!" with the state), from the sizes and states of the
 * periodic /api/files, so no background file costs a stream.
 */
import type { FileInfoJson } from './api.js'
import { el } from './dom.js'

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

  render(files: FileInfoJson[], active: string | undefined): void {
    for (const f of files) if (f.id === active || !this.seen.has(f.id)) this.seen.set(f.id, f.size)
    if (files.length < 2) {
      this.nav.replaceChildren()
      return
    }
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
      })
    )
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
