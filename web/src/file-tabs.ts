/** Tabs for the followed files (from /api/files); hidden when the server follows just one. */
import type { FileInfoJson } from './api.js'
import { el } from './dom.js'

export class FileTabs {
  private readonly nav = el('files')

  constructor(private readonly onSelect: (id: string) => void) {}

  render(files: FileInfoJson[], active: string | undefined): void {
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
        b.addEventListener('click', () => this.onSelect(f.id))
        return b
      })
    )
  }
}
