/**
 * @module Listeners of a LogSource and the credit they hold: how backpressure reaches a reader.
 *
 * A listener that returns a promise holds one unit of credit until it settles. A source reads
 * on only while fewer than `max` units are held, so a consumer that does not keep up stops the
 * reading (the data waits in the file or the stream) instead of growing memory. Web-standard
 * only: the local follower and the Redis edge both use it, and any runtime can.
 */
import type { SourceListener } from './log-source.js'
import type { FollowEvent } from './types.js'

export class ListenerCredit {
  private readonly fns = new Set<SourceListener>()
  private held = 0
  private waiters: (() => void)[] = []

  constructor(
    readonly max: number,
    /** A listener threw: reported, never passed on to the reader (or the other listeners). */
    private readonly onError: (err: unknown, ev: FollowEvent) => void,
    /** Each time a held promise settles (a reader that polls for room may look again). */
    private readonly onSettle: () => void = () => undefined
  ) {
    if (!(max >= 1)) throw new RangeError(`maxInFlight must be at least 1 (got ${max})`)
  }

  add(fn: SourceListener): () => void {
    this.fns.add(fn)
    return () => this.fns.delete(fn)
  }

  clear(): void {
    this.fns.clear()
  }

  /** Units held by promises not settled yet. */
  get inFlight(): number {
    return this.held
  }

  get full(): boolean {
    return this.held >= this.max
  }

  /** Resolves once a unit is free (at once if one is). */
  whenFree(): Promise<void> {
    if (!this.full) return Promise.resolve()
    return new Promise((r) => this.waiters.push(r))
  }

  emit(ev: FollowEvent): void {
    for (const fn of this.fns) {
      let r: void | PromiseLike<unknown>
      try {
        r = fn(ev)
      } catch (err) {
        this.onError(err, ev)
        continue
      }
      if (r && typeof r.then === 'function') {
        this.held++
        r.then(this.settle, this.settle)
      }
    }
  }

  private readonly settle = (): void => {
    this.held--
    this.onSettle()
    if (this.full || this.waiters.length === 0) return
    for (const w of this.waiters.splice(0)) w()
  }
}
