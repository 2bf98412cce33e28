/**
 * A capped deque for log lines, after xterm.js's CircularList: a fixed array with a moving start,
 * so pushing at 10,000 lines/s never shifts or reallocates. Items carry no index; callers address
 * them by position 0..length-1 (oldest first).
 */
export class RingBuffer<T> {
  private items: (T | undefined)[]
  private start = 0
  private size = 0

  constructor(readonly cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a positive integer`)
    // Grow lazily: most sessions never get near the cap and a 100k array up front wastes memory.
    this.items = new Array<T | undefined>(Math.min(cap, 1024))
  }

  get length(): number {
    return this.size
  }

  get(i: number): T | undefined {
    if (i < 0 || i >= this.size) return undefined
    return this.items[(this.start + i) % this.items.length]
  }

  /** Appends at the newest end; returns how many of the oldest items were dropped to make room. */
  push(item: T): number {
    if (this.size === this.items.length && this.size < this.cap) this.grow()
    if (this.size === this.cap) {
      this.items[this.start] = item
      this.start = (this.start + 1) % this.items.length
      return 1
    }
    this.items[(this.start + this.size) % this.items.length] = item
    this.size++
    return 0
  }

  /**
   * Prepends at the oldest end (scrollback). Refuses when full: older history must not push out
   * the newest lines the user is following. Returns whether the item was stored.
   */
  unshift(item: T): boolean {
    if (this.size === this.cap) return false
    if (this.size === this.items.length) this.grow()
    this.start = (this.start - 1 + this.items.length) % this.items.length
    this.items[this.start] = item
    this.size++
    return true
  }

  /**
   * Replaces `remove` items at position `at` with `items` (a loaded range, once per click, so
   * O(cap) is fine). When the result is over the cap the oldest items go; returns how many.
   */
  splice(at: number, remove: number, items: readonly T[]): number {
    const all = this.toArray()
    const next = all.slice(0, at).concat(items, all.slice(at + remove))
    const dropped = Math.max(0, next.length - this.cap)
    const kept = dropped ? next.slice(dropped) : next
    this.items =
      kept.length >= Math.min(this.cap, 1024)
        ? kept
        : kept.concat(new Array(Math.min(this.cap, 1024) - kept.length))
    this.start = 0
    this.size = kept.length
    return dropped
  }

  clear(): void {
    this.items = new Array<T | undefined>(Math.min(this.cap, 1024))
    this.start = 0
    this.size = 0
  }

  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.size; i++) out.push(this.get(i) as T)
    return out
  }

  private grow(): void {
    const next = new Array<T | undefined>(Math.min(this.cap, this.items.length * 2))
    for (let i = 0; i < this.size; i++) next[i] = this.items[(this.start + i) % this.items.length]
    this.items = next
    this.start = 0
  }
}
