/**
 * @module A virtual list (the Clusterize.js idea without innerHTML): a sizer gives the scroller its
 * full height, and a small pool of row elements is moved to and filled for the rows in view.
 * Rows are one fixed height, or wrapped to variable heights (wrapped-frame.ts). Follow mode keeps the newest row on screen only while the user is at the bottom.
 */
import type { FrameLoop, FrameTask } from './frame-loop.js'
import { WrappedFrame } from './wrapped-frame.js'

export interface RowSource<T> {
  readonly count: number
  row(i: number): T | undefined
}

export interface ListEvents {
  /** The user scrolled away from / back to the bottom. */
  follow(following: boolean): void
  /** The view is near the top: a chance to load older lines. */
  nearTop(): void
  /** The view reached the bottom while it may not follow (a history view): newer lines. */
  nearBottom?(): void
  /** A pool row left the view: it must not keep its old line (marks, aria-current) in the page. */
  hidden?(el: HTMLElement): void
}

const OVERSCAN = 8

export class VirtualList<T> {
  following = true
  /** False in a history view: reaching the bottom loads more instead of following. */
  followable = true
  private readonly sizer: HTMLElement
  private readonly layer: HTMLElement
  private readonly pool: HTMLElement[] = []
  private readonly shown = new WeakMap<HTMLElement, T>()
  private readonly frames: FrameTask
  private rowHeight = 0
  private pendingShift = 0
  private repaint = true
  private target: number | undefined
  private wrapped: WrappedFrame | undefined

  constructor(
    loop: FrameLoop,
    private readonly scroller: HTMLElement,
    private readonly source: RowSource<T>,
    private readonly fill: (el: HTMLElement, item: T) => void,
    private readonly events: ListEvents
  ) {
    this.frames = loop.task('list', () => this.frame())
    this.sizer = scroller.appendChild(document.createElement('div'))
    this.sizer.className = 'sizer'
    this.layer = scroller.appendChild(document.createElement('div'))
    this.layer.className = 'rows'
    scroller.addEventListener('scroll', () => this.onScroll(), { passive: true })
    // A list shorter than the view cannot scroll, so no scroll event would ever ask for more.
    scroller.addEventListener(
      'wheel',
      (e) => e.deltaY < 0 && scroller.scrollTop <= 0 && this.events.nearTop(),
      { passive: true }
    )
    new ResizeObserver(() => this.invalidate(true)).observe(scroller)
  }

  /** Data changed; `repaint` also redraws rows whose item did not change (filter/highlight). */
  invalidate(repaint = false): void {
    if (repaint) this.repaint = true
    this.frames.schedule()
  }

  /** Rows were added (+) or removed (−) before the view: keep the same lines on screen. */
  shift(rows: number): void {
    this.pendingShift += rows
    this.frames.schedule()
  }

  scrollToBottom(): void {
    this.setFollowing(true)
    this.frames.schedule()
  }

  /** Shows the first row (Home, g) and stops following. */
  scrollToTop(): void {
    this.setFollowing(false)
    this.target = undefined
    this.scroller.scrollTop = 0
    this.frames.schedule()
  }

  /** Brings row i to the middle of the view and stops following. */
  scrollToRow(i: number): void {
    this.setFollowing(false)
    this.target = i
    this.frames.schedule()
  }

  /** Wrapped rows (variable heights): see wrapped-frame.ts. */
  get wrap(): boolean {
    return this.wrapped !== undefined
  }

  set wrap(on: boolean) {
    if (on === this.wrap) return
    this.wrapped = on ? new WrappedFrame(this.scroller, this.layer) : undefined
    if (!on) this.scroller.appendChild(this.layer)
    this.invalidate(true)
  }

  private frame(): boolean | void {
    if (this.wrapped) return this.frameWrapped(this.wrapped)
    const h = this.measure()
    const n = this.source.count
    this.sizer.style.height = `${n * h}px`
    const s = this.scroller
    this.applyScroll(h)
    const top = s.scrollTop
    const first = Math.max(0, Math.floor(top / h) - OVERSCAN)
    const last = Math.min(n, Math.ceil((top + s.clientHeight) / h) + OVERSCAN)
    this.fillPool(first, last)
    this.repaint = false
    this.layer.style.transform = `translateY(${first * h}px)`
    // The first screen is full of history, not ten lines at the top (scrollback pages it in).
    if (n * h < s.clientHeight) this.events.nearTop()
  }

  private frameWrapped(w: WrappedFrame): boolean {
    const h = this.measure()
    const n = this.source.count
    const s = this.scroller
    // Scroll positions count rows (h each); wrapped heights are what the browser lays out.
    this.sizer.style.height = `${n * h + w.extra}px`
    this.applyScroll(h)
    const { first, last } = w.range(n, h)
    this.fillPool(first, last)
    const again = w.place(first, this.pool, h)
    if (n * h + w.extra < s.clientHeight) this.events.nearTop()
    this.repaint = false
    return again
  }

  /** What was asked since the last frame: a row to show, the bottom, or rows added above. */
  private applyScroll(h: number): void {
    const s = this.scroller
    if (this.target !== undefined) {
      s.scrollTop = Math.max(0, this.target * h - s.clientHeight / 2)
      this.target = undefined
    } else if (this.following) s.scrollTop = s.scrollHeight
    else if (this.pendingShift) s.scrollTop += this.pendingShift * h
    this.pendingShift = 0
  }

  private fillPool(first: number, last: number): void {
    while (this.pool.length < last - first) this.pool.push(this.layer.appendChild(this.newRow()))
    for (let k = 0; k < this.pool.length; k++) {
      const el = this.pool[k] as HTMLElement
      const item = first + k < last ? this.source.row(first + k) : undefined
      if (item === undefined) {
        if (!el.hidden) {
          el.hidden = true
          this.shown.delete(el)
          this.events.hidden?.(el)
        }
        continue
      }
      el.hidden = false
      if (this.repaint || this.shown.get(el) !== item) {
        this.fill(el, item)
        this.shown.set(el, item)
      }
    }
  }

  private onScroll(): void {
    const s = this.scroller
    const h = this.rowHeight || 20
    const atBottom = s.scrollTop + s.clientHeight >= s.scrollHeight - h * 4
    if (atBottom && !this.followable) this.events.nearBottom?.()
    this.setFollowing(this.followable && s.scrollTop + s.clientHeight >= s.scrollHeight - h / 2)
    if (s.scrollTop < h * 4) this.events.nearTop()
    this.frames.schedule()
  }

  private setFollowing(f: boolean): void {
    if (f === this.following) return
    this.following = f
    this.events.follow(f)
  }

  private newRow(): HTMLElement {
    const el = document.createElement('div')
    el.className = 'row'
    return el
  }

  /** Row height comes from CSS (--row-h); measured once, and again if fonts change it to 0. */
  private measure(): number {
    if (this.rowHeight > 0) return this.rowHeight
    const probe = this.layer.appendChild(this.newRow())
    probe.textContent = 'M'
    this.rowHeight = probe.getBoundingClientRect().height || 20
    probe.remove()
    return this.rowHeight
  }

  /** The item a pool row element shows (for click handling). */
  itemOf(el: HTMLElement): T | undefined {
    return el.hidden ? undefined : this.shown.get(el)
  }
}
