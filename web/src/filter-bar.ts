/** @module The filter input and its toggles (regex, case, invert); reports a FilterSpec when it changes. */
import type { FilterSpec } from './filter.js'
import { el } from './dom.js'

export class FilterBar {
  readonly input = el<HTMLInputElement>('filter')
  private readonly regex = el<HTMLButtonElement>('filter-regex')
  private readonly caseBtn = el<HTMLButtonElement>('filter-case')
  private readonly invert = el<HTMLButtonElement>('filter-invert')
  private readonly countEl = el('filter-count')
  private readonly searchBtn = el<HTMLButtonElement>('search-history')
  private timer: number | undefined

  constructor(
    private readonly onChange: (spec: FilterSpec) => void,
    onSearchHistory: () => void
  ) {
    // A short debounce: re-filtering 100k lines on every keystroke would stutter the typing.
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer)
      this.timer = window.setTimeout(() => this.emit(), 80)
    })
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.emit()
    })
    for (const b of [this.regex, this.caseBtn, this.invert])
      b.addEventListener('click', () => {
        b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'))
        this.emit()
      })
    this.searchBtn.addEventListener('click', onSearchHistory)
  }

  get spec(): FilterSpec {
    const on = (b: HTMLElement) => b.getAttribute('aria-pressed') === 'true'
    return {
      text: this.input.value,
      regex: on(this.regex),
      caseSensitive: on(this.caseBtn),
      invert: on(this.invert),
    }
  }

  /** Esc: the text and the toggles, so no hidden mode stays behind an empty box. */
  clear(): void {
    this.input.value = ''
    for (const b of [this.regex, this.caseBtn, this.invert]) b.setAttribute('aria-pressed', 'false')
    this.emit()
  }

  /** Whether Esc has anything to clear. */
  get isSet(): boolean {
    const s = this.spec
    return s.text !== '' || s.regex || s.caseSensitive || s.invert
  }

  /** Shows the match count, or the regular expression error. */
  result(error: string | undefined, shown: number, active: boolean): void {
    this.input.classList.toggle('invalid', error !== undefined)
    this.input.title = error ?? ''
    const spec = this.spec
    this.countEl.textContent = error
      ? 'invalid'
      : active && spec.text
        ? `${shown.toLocaleString('en-US')}${spec.invert ? ' not matching' : ''}`
        : ''
    this.searchBtn.hidden = !active || this.spec.invert
  }

  private emit(): void {
    clearTimeout(this.timer)
    this.onChange(this.spec)
  }
}
