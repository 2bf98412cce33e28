/**
 * @module A follower's listeners and the credit they hold: the follower's only backpressure.
 *
 * A listener that returns a promise holds one unit of credit until it settles. When maxInFlight
 * units are held the follower stops reading (the bytes wait in the file, which is the buffer) and
 * resumes when one settles, so memory never grows with how far behind a consumer is.
 */
import type { FollowEvent } from '../core/types.js'
import { toErrorEvent } from './errors.js'

export type Listener = (e: FollowEvent) => void | PromiseLike<unknown>

export class Listeners {
  private readonly fns = new Set<Listener>()
  private inFlight = 0

  constructor(
    private readonly maxInFlight: number,
    private readonly path: string,
    /** Called each time a held promise settles: reading may resume. */
    private readonly onSettle: () => void
  ) {}

  add(fn: Listener): () => void {
    this.fns.add(fn)
    return () => this.fns.delete(fn)
  }

  clear(): void {
    this.fns.clear()
  }

  /** Every unit of credit is held by an unsettled promise: read nothing more for now. */
  get full(): boolean {
    return this.inFlight >= this.maxInFlight
  }

  emit(ev: FollowEvent): void {
    for (const fn of this.fns) {
      let r: void | PromiseLike<unknown>
      try {
        r = fn(ev)
      } catch (err) {
        if (ev.type !== 'error') this.emit(toErrorEvent(err, this.path, 'ELISTENER'))
        continue
      }
      if (r && typeof r.then === 'function') {
        this.inFlight++
        const settle = (): void => {
          this.inFlight--
          this.onSettle()
        }
        r.then(settle, settle)
      }
    }
  }
}
