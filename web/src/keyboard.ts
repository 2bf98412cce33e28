/**
 * @module Keyboard: `/` filter, space pause, End back to live, Esc closes the panel or clears the
 * filter. Keys name commands (commands.ts), so a key does just what the matching button does.
 */
import type { Commands } from './commands.js'
import type { FilterBar } from './filter-bar.js'
import type { Panel } from './panel.js'

export function wireKeyboard(app: Commands, filterBar: FilterBar, panel: Panel): void {
  addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const t = e.target as HTMLElement
    const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable
    if (e.key === 'Escape') {
      if (panel.isOpen) panel.close()
      else if (filterBar.isSet) filterBar.clear()
      else app.select(undefined)
      if (typing) t.blur()
      return
    }
    if (typing) return
    if (e.key === '/') {
      e.preventDefault()
      filterBar.input.focus()
      filterBar.input.select()
    } else if (e.key === ' ' && t.tagName !== 'BUTTON' && t.tagName !== 'A') {
      e.preventDefault()
      app.togglePause()
    } else if (e.key === 'Home') {
      e.preventDefault()
      app.toStart()
    } else if (e.key === 'End') {
      e.preventDefault()
      app.backToLive()
    }
  })
}
