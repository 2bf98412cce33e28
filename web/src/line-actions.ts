/**
 * @module Clicks on a row: the "load" button of a skipped-range marker brings that range in;
 * clicks on a row's gutter: the permalink ("#") selects the line, puts its link in the address bar
 * and shows it with a copy button; the JSON toggle ("{}") shows the line pretty-printed. Both open
 * the side panel, which keeps rows at a fixed height for the virtual list. A tap on the text opens
 * the whole line in the panel (phones have no hover for the gutter; long lines are cut).
 */
import type { Commands } from './commands.js'
import type { Entry } from './store.js'
import { prettyJson } from './json-line.js'
import { h } from './dom.js'
import type { Panel } from './panel.js'
import { stripAnsi } from './ansi.js'

export function wireLineActions(
  app: Commands,
  itemOf: (row: HTMLElement) => Entry | undefined,
  log: HTMLElement,
  panel: Panel
): void {
  log.addEventListener('click', (ev) => {
    const t = ev.target as HTMLElement
    const row = t.closest<HTMLElement>('.row')
    const entry = row ? itemOf(row) : undefined
    if (!entry) return
    if (t.classList.contains('load')) {
      if (entry.skipped) void app.loadSkipped(entry)
    } else if (t.classList.contains('link')) {
      ev.preventDefault()
      const href = app.permalinkOf(entry)
      if (!href) return
      history.replaceState(null, '', href)
      app.select(entry)
      showLine(panel, 'Line', stripAnsi(entry.text), new URL(href, location.href).toString())
    } else if (!entry.marker && t.closest('.text') && !document.getSelection()?.toString()) {
      // A tap on the text (mobile, or a line cut with an ellipsis): the whole line, selected.
      // Selecting text with the mouse is left alone.
      const href = app.permalinkOf(entry)
      app.select(entry)
      showLine(
        panel,
        'Line',
        stripAnsi(entry.text),
        href && new URL(href, location.href).toString()
      )
    } else if (t.classList.contains('json')) {
      const href = app.permalinkOf(entry)
      const pretty = prettyJson(stripAnsi(entry.text)) ?? stripAnsi(entry.text)
      showLine(panel, 'JSON', pretty, href && new URL(href, location.href).toString())
    }
  })
}

function showLine(panel: Panel, title: string, text: string, link: string | undefined): void {
  const meta = h('div', { className: 'meta' })
  if (link) {
    const copy = h('button', { type: 'button', textContent: 'Copy link' })
    copy.addEventListener('click', () => {
      navigator.clipboard?.writeText(link).then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Copy failed: select the link')
      )
    })
    meta.append(h('a', { href: link, textContent: 'Permalink', title: link }), copy)
  }
  const pre = h('pre', { textContent: text })
  pre.dataset.testid = 'detail'
  panel.open(title, meta, pre)
}
