/**
 * @module Keyboard: `/` filter, space pause, g/Home start, G/End back to live, n/N next and
 * previous match, w wrap, l levels, h highlight rules, `?` the key help (listed in the page, data-testid key-help),
 * Esc closes or clears. Keys name commands (commands.ts), so a key does what its button does.
 */
import type { Commands } from './commands.js'
import { el } from './dom.js'
import type { FilterBar } from './filter-bar.js'
import type { Panel } from './panel.js'

export interface KeyTargets {
  filterBar: FilterBar
  panel: Panel
  toggleWrap(): void
  focusLevels(): void
  highlights: { readonly isOpen: boolean; toggle(): void; close(): void }
}

export function wireKeyboard(app: Commands, k: KeyTargets): void {
  const help = el('key-help')
  addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const t = e.target as HTMLElement
    const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable
    if (e.key === 'Escape') {
      if (!help.hidden) help.hidden = true
      else if (k.highlights.isOpen) k.highlights.close()
      else if (k.panel.isOpen) k.panel.close()
      else if (k.filterBar.isSet) k.filterBar.clear()
      else app.select(undefined)
      if (typing) t.blur()
      return
    }
    if (typing) return
    const act = keys[e.key]
    if (e.key === ' ' && (t.tagName === 'BUTTON' || t.tagName === 'A')) return
    if (e.key === '?') help.hidden = !help.hidden
    else if (act) act(app, k)
    else return
    e.preventDefault()
  })
}

const keys: Record<string, (app: Commands, k: KeyTargets) => void> = {
  '/': (_, k) => {
    k.filterBar.input.focus()
    k.filterBar.input.select()
  },
  ' ': (app) => app.togglePause(),
  g: (app) => void app.toStart(),
  Home: (app) => void app.toStart(),
  G: (app) => app.backToLive(),
  End: (app) => app.backToLive(),
  n: (app) => app.step(1),
  N: (app) => app.step(-1),
  w: (_, k) => k.toggleWrap(),
  l: (_, k) => k.focusLevels(),
  h: (_, k) => k.highlights.toggle(),
}
