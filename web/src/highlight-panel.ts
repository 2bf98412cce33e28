/**
 * @module The highlight rules dialog (`data-testid="highlight-rules"` opens it): one row per
 * rule (text, regex, case, colour, notify, delete) with the pattern's error beside it, Add,
 * and "Copy link" for the URL that carries the rules. A page opened from such a link offers the
 * import here and imports only on the reader's click. Every edit is stored and applied at once.
 */
import { el, h } from './dom.js'
import {
  compileRules,
  COLORS,
  MAX_RULES,
  type HighlightRule,
  type RuleSet,
} from './highlight-rules.js'
import { dropRulesLink, exportUrl, linkedRules, loadRules, saveRules } from './rule-storage.js'

export class HighlightPanel {
  private readonly root = el('highlight-dialog')
  private readonly list = this.root.querySelector('.hl-list') as HTMLElement
  private readonly offer = this.root.querySelector('.hl-import') as HTMLElement
  private readonly url = el<HTMLInputElement>('rule-export-url')
  private rules: HighlightRule[] = loadRules()
  private set: RuleSet = compileRules(this.rules)

  constructor(private readonly changed: (rules: RuleSet) => void) {
    el('highlight-rules').addEventListener('click', () => this.toggle())
    this.root.querySelector('.hl-close')?.addEventListener('click', () => this.close())
    el('rule-add').addEventListener('click', () => {
      if (this.rules.length >= MAX_RULES) return
      this.rules.push({
        text: '',
        regex: false,
        caseSensitive: false,
        color: 'yellow',
        notify: false,
      })
      this.apply(true)
      ;(this.list.lastElementChild?.querySelector('input') as HTMLInputElement | null)?.focus()
    })
    el('rule-export').addEventListener('click', () => {
      this.url.value = exportUrl(this.rules)
      this.url.hidden = false
      this.url.select()
      void navigator.clipboard?.writeText(this.url.value).catch(() => undefined)
    })
    this.offerLinked()
    this.apply(true)
  }

  get current(): RuleSet {
    return this.set
  }

  get isOpen(): boolean {
    return !this.root.hidden
  }

  toggle(): void {
    this.root.hidden = !this.root.hidden
    if (!this.root.hidden) (this.list.querySelector('input') as HTMLInputElement | null)?.focus()
  }

  close(): void {
    this.root.hidden = true
  }

  private offerLinked(): void {
    let linked: HighlightRule[] | undefined
    try {
      linked = linkedRules(location.hash)
    } catch (e) {
      this.offer.replaceChildren(h('span', { textContent: (e as Error).message }))
      this.offer.hidden = false
      this.root.hidden = false
      dropRulesLink()
      return
    }
    if (!linked) return
    const rules = linked
    const yes = h('button', { type: 'button', textContent: 'Import' })
    yes.dataset.testid = 'rule-import'
    const no = h('button', { type: 'button', textContent: 'Dismiss' })
    const n = rules.length
    const text = `This link holds ${n} highlight rule${n === 1 ? '' : 's'}. Add ${n === 1 ? 'it' : 'them'} to yours?`
    this.offer.replaceChildren(h('span', { textContent: text }), yes, no)
    this.offer.hidden = false
    this.root.hidden = false
    const done = () => ((this.offer.hidden = true), dropRulesLink())
    yes.addEventListener('click', () => {
      this.rules = [...this.rules, ...rules].slice(0, MAX_RULES)
      this.apply(true)
      done()
    })
    no.addEventListener('click', done)
  }

  /** Stores and applies the rules; `rebuild` redraws the rows (not while typing in one). */
  private apply(rebuild: boolean): void {
    saveRules(this.rules)
    this.set = compileRules(this.rules)
    if (rebuild) this.list.replaceChildren(...this.rules.map((r, i) => this.row(r, i)))
    this.list.querySelectorAll<HTMLElement>('[data-testid="rule-error"]').forEach((e, i) => {
      e.textContent = this.set.errors[i] ?? ''
    })
    this.url.hidden = true
    this.changed(this.set)
  }

  private row(r: HighlightRule, i: number): HTMLElement {
    const edit = (f: (r: HighlightRule) => void, rebuild = false) => {
      f(this.rules[i] as HighlightRule)
      this.apply(rebuild)
    }
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
        const N = (globalThis as { Notification?: typeof Notification }).Notification
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
    del.addEventListener('click', () => {
      this.rules.splice(i, 1)
      this.apply(true)
    })
    const err = h('span', { className: 'hl-error' })
    err.dataset.testid = 'rule-error'
    const row = h('div', { className: 'hl-rule' })
    row.dataset.testid = 'rule'
    row.append(text, regex, cs, color, notify, del, err)
    return row
  }
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
