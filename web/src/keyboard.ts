/** Keyboard: `/` filter, space pause, End latest, Esc closes the panel or clears the filter. */
import type { App } from './app.js'
import type { Panel } from './panel.js'

export function wireKeyboard(app: App, panel: Panel): void {
  addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const t = e.target as HTMLElement
    const typing = t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable
    if (e.key === 'Escape') {
      if (panel.isOpen) panel.close()
      else if (app.filterBar.input.value) app.filterBar.clear()
      else app.target = undefined
      if (typing) t.blur()
      app.list.invalidate(true)
      return
    }
    if (typing) return
    if (e.key === '/') {
      e.preventDefault()
      app.filterBar.input.focus()
      app.filterBar.input.select()
    } else if (e.key === ' ' && t.tagName !== 'BUTTON' && t.tagName !== 'A') {
      e.preventDefault()
      app.togglePause()
    } else if (e.key === 'End') {
      e.preventDefault()
      app.jumpToLatest()
    }
  })
}
