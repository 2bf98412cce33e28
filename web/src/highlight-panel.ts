/**
 * @module The highlight rules dialog (`data-testid="highlight-rules"` opens it): one row per
 * rule (text, regex, case, colour, notify, delete) with the pattern's error beside it, Add,
 * and "Copy link" for the URL that carries the rules. A page opened from such a link offers the
 * import here and imports only on the reader's click. Every edit is stored and applied at once.
 */
import { el, h } from './dom.js'
import { ruleRow } from './highlight-row.js'
import { compileRules, MAX_RULES, type HighlightRule, type RuleSet } from './highlight-rules.js'
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
    // A rules link opened in a tab already showing this page changes only the fragment.
    addEventListener('hashchange', () => this.offerLinked())
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
      // A rule the reader already has is not added twice (a link opened again).
      const have = new Set(this.rules.map((r) => JSON.stringify(r)))
      const added = rules.filter((r) => !have.has(JSON.stringify(r)))
      this.rules = [...this.rules, ...added].slice(0, MAX_RULES)
      this.apply(true)
      done()
    })
    no.addEventListener('click', done)
  }

  /** Stores and applies the rules; `rebuild` redraws the rows (not while typing in one). */
  private apply(rebuild: boolean): void {
    saveRules(this.rules)
    this.set = compileRules(this.rules)
    if (rebuild)
      this.list.replaceChildren(
        ...this.rules.map((r, i) =>
          ruleRow(r, {
            edit: (f, again) => {
              f(this.rules[i] as HighlightRule)
              this.apply(again)
            },
            remove: () => {
              this.rules.splice(i, 1)
              this.apply(true)
            },
          })
        )
      )
    this.list.querySelectorAll<HTMLElement>('[data-testid="rule-error"]').forEach((e, i) => {
      e.textContent = this.set.errors[i] ?? ''
    })
    this.url.hidden = true
    this.changed(this.set)
  }
}
