/**
 * @module Placing wrapped rows (variable heights) without knowing every row's height. The scroll
 * position counts rows, one nominal height each, so nothing is measured beyond the rows in view:
 * the fraction scrolled picks an anchor row (row p·n) and the point of the viewport it sits at
 * (p·height), so the first row is at the top at p = 0 and the last row's bottom at the bottom at
 * p = 1. The rows around the anchor are laid out by the browser in a window the size of the
 * viewport that clips them, so wrapped rows never make the list longer or wider.
 */
export class WrappedFrame {
  /** Height beyond one row each of the rows last laid out: keeps a few tall rows scrollable. */
  extra = 0
  private readonly window: HTMLElement
  private anchor = 0
  private frac = 0
  private at = 0

  constructor(
    private readonly scroller: HTMLElement,
    private readonly layer: HTMLElement
  ) {
    this.window = document.createElement('div')
    this.window.className = 'rows-window'
    scroller.appendChild(this.window).appendChild(layer)
  }

  /** The rows to lay out: enough on either side of the anchor to cover the viewport. */
  range(n: number, h: number): { first: number; last: number } {
    const s = this.scroller
    const max = s.scrollHeight - s.clientHeight
    const p = max > 0 ? Math.min(1, Math.max(0, s.scrollTop / max)) : 0
    const a = p * n
    this.anchor = Math.min(Math.max(0, n - 1), Math.floor(a))
    this.frac = a - this.anchor
    this.at = p * s.clientHeight
    const span = Math.ceil(s.clientHeight / h) + 1
    return { first: Math.max(0, this.anchor - span), last: Math.min(n, this.anchor + span + 1) }
  }

  /**
   * Moves the window to the viewport and the laid-out rows so the anchor sits where it should;
   * true when the list's height changed enough to be worth another frame.
   */
  place(first: number, pool: HTMLElement[], h: number): boolean {
    const s = this.scroller
    this.window.style.transform = `translateY(${s.scrollTop}px)`
    this.window.style.height = `${s.clientHeight}px`
    const el = pool[this.anchor - first]
    if (!el || el.hidden) {
      this.layer.style.transform = 'translateY(0px)'
      return false
    }
    // One layout read per frame, of the rows just filled.
    const top = el.offsetTop
    let extra = 0
    for (const r of pool) if (!r.hidden) extra += Math.max(0, r.offsetHeight - h)
    const grew = Math.abs(extra - this.extra) > h
    this.extra = extra
    const y = this.at - top - this.frac * el.offsetHeight
    this.layer.style.transform = `translateY(${Math.round(y)}px)`
    return grew
  }
}
