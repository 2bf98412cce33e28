/**
 * @module One row of the highlight rules dialog: the rule's text, regex and case toggles, colour,
 * notify and delete, and a place for its pattern's error. Text goes into inputs by value and
 * labels by textContent; each control reports an edit and the dialog stores and applies it.
 */
import { h } from './dom.js'
import { COLORS, type HighlightRule } from './highlight-rules.js'
import type { NotificationApi } from './rule-notify.js'

export interface RowActions {
  /** Change the rule; `rebuild` redraws the rows (a colour), typing does not. */
  edit(f: (r: HighlightRule) => void, rebuild: boolean): void
  remove(): void
}

export function ruleRow(r: HighlightRule, on: RowActions): HTMLElement {
  const edit = (f: (r: HighlightRule) => void, rebuild = false) => on.edit(f, rebuild)
  const text = h('input', { type: 'text' })
  text.value = r.text
  text.placeholder = 'text or pattern'
  text.dataset.testid = 'rule-text'
  text.spellcheck = false
  text.addEventListener('input', () => edit((x) => (x.text = text.value)))
  const regex = check('rule-regex', '.*', 'Regular expression (RE2 dialect)', r.regex, (v) =>
    edit((x) => (x.regex = v))
  )
  const cs = check('rule-case', 'Aa', 'Match case', r.caseSensitive, (v) =>
    edit((x) => (x.caseSensitive = v))
  )
  const color = h('select', { className: `hl-color hl-${COLORS.indexOf(r.color)}` })
  color.dataset.testid = 'rule-color'
  color.title = 'Colour'
  for (const c of COLORS) color.append(new Option(c, c))
  color.value = r.color
  color.addEventListener('change', () =>
    edit((x) => (x.color = color.value as HighlightRule['color']), true)
  )
  const notify = check(
    'rule-notify',
    'notify',
    'Desktop notification for new matching lines while this tab is hidden',
    r.notify,
    (v) => {
      // Asked on the reader's click, the only time a browser lets a page ask.
      const N = (globalThis as { Notification?: NotificationApi }).Notification
      if (v && N && N.permission === 'default') void N.requestPermission()
      edit((x) => (x.notify = v))
    }
  )
  const del = h('button', {
    type: 'button',
    className: 'hl-del',
    textContent: '×',
    title: 'Delete rule',
  })
  del.dataset.testid = 'rule-delete'
  del.addEventListener('click', () => on.remove())
  const err = h('span', { className: 'hl-error' })
  err.dataset.testid = 'rule-error'
  const row = h('div', { className: 'hl-rule' })
  row.dataset.testid = 'rule'
  row.append(text, regex, cs, color, notify, del, err)
  return row
}

function check(
  testid: string,
  label: string,
  title: string,
  on: boolean,
  set: (v: boolean) => void
) {
  const box = h('input', { type: 'checkbox' })
  box.checked = on
  box.dataset.testid = testid
  box.addEventListener('change', () => set(box.checked))
  const l = h('label', { className: 'hl-check', title })
  l.append(box, document.createTextNode(label))
  return l
}
