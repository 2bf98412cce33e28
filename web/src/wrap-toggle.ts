/**
 * @module The wrap toggle (`data-testid="wrap"`, key `w`): long lines wrap to as many rows as they
 * need, or are cut with an ellipsis and open whole in the panel. Remembered in localStorage, so a
 * reader who wants wrapped lines gets them on every page.
 */
import { el } from './dom.js'

const KEY = 'taillight.wrap'

export class WrapToggle {
  private readonly btn = el<HTMLButtonElement>('wrap')

  constructor(private readonly apply: (on: boolean) => void) {
    this.btn.addEventListener('click', () => this.set(!this.on))
    this.set(readStored(), false)
  }

  get on(): boolean {
    return this.btn.getAttribute('aria-pressed') === 'true'
  }

  toggle(): void {
    this.set(!this.on)
  }

  private set(on: boolean, remember = true): void {
    this.btn.setAttribute('aria-pressed', String(on))
    el('log').classList.toggle('wrap', on)
    this.apply(on)
    if (!remember) return
    try {
      localStorage.setItem(KEY, on ? '1' : '0')
    } catch {
      // Storage may be disabled (private mode, policy): the toggle still works for this page.
    }
  }
}

function readStored(): boolean {
  try {
    return localStorage.getItem(KEY) === '1'
  } catch {
    return false
  }
}
