/**
 * @module When the broadcaster flushes, and when it lets the reader read the next batch.
 *
 * Flushes: a flush costs about one write per client, whatever it carries, so after each one the
 * pacer rests as long as the flush took, capped (20 ms by default): the lines that arrive during
 * the flush and the rest share the next write, so more clients make flushes bigger, not more
 * frequent. A long cap frees the event loop but adds its length to every line's latency.
 *
 * Reading: each batch's promise settles once the batch was flushed and the broadcaster says a
 * pacing client has room (or none paces): the source holds the rest in the file meanwhile.
 */
import type { Metrics } from './metrics.js'

export interface PacerHooks {
  flush(): void
  /** Whether a pacing client has room, or no client paces. */
  room(): boolean
}

export class Pacer {
  #scheduled = false
  #nextFlushAt = 0
  /** Batches pending in the broadcaster, not flushed yet. */
  #unflushed: (() => void)[] = []
  /** Batches flushed, waiting for room. */
  #held: (() => void)[] = []
  #checkQueued = false
  #closed = false

  constructor(
    private readonly schedule: (fn: () => void) => void,
    private readonly maxPaceMs: number,
    private readonly metrics: Metrics,
    private readonly hooks: PacerHooks
  ) {}

  /** An event joined the pending list; for a batch, the promise that holds the reader. */
  added(batch: boolean): Promise<void> | undefined {
    if (!this.#scheduled) {
      this.#scheduled = true
      const run = () => {
        this.#scheduled = false
        this.hooks.flush()
      }
      const wait = this.#nextFlushAt - performance.now()
      if (wait >= 1) setTimeout(run, wait)
      else this.schedule(run)
    }
    if (!batch || this.#closed) return undefined
    return new Promise<void>((r) => this.#unflushed.push(r))
  }

  /** A flush wrote its payload (t0: when its writes began; null if nothing was pending). */
  flushed(t0: number | null): void {
    if (t0 === null) return
    this.#promote()
    // Node writes corked responses on the next tick: the flush is over once a macrotask runs.
    this.schedule(() => {
      const end = performance.now()
      const cost = end - t0
      this.metrics.flushed(cost)
      this.#nextFlushAt = end + Math.min(cost, this.maxPaceMs)
      this.#check()
    })
  }

  /**
   * Batches went into a flush that a round under way is writing (fan-out.ts): the reader may go
   * on before the round ends, if a client has room. The broadcaster bounds what rounds owe.
   */
  early(): void {
    this.#promote()
    this.#check()
  }

  /** The batches pending so far are flushed: from now on they wait only for room. */
  #promote(): void {
    for (const r of this.#unflushed) this.#held.push(r)
    this.#unflushed = []
  }

  /**
   * Something changed for pacing. `fromRoom`: a pacing client has room now (cheap, no scan);
   * otherwise the broadcaster is asked once, on the next turn, however many clients changed.
   */
  release(fromRoom: boolean): void {
    if (this.#held.length === 0) return
    if (fromRoom) return this.#resolve()
    if (this.#checkQueued) return
    this.#checkQueued = true
    this.schedule(() => {
      this.#checkQueued = false
      this.#check()
    })
  }

  /** Lets the reader go for good (the broadcaster is closing). */
  close(): void {
    this.#closed = true
    for (const r of this.#unflushed) r()
    this.#unflushed = []
    this.#resolve()
  }

  #check(): void {
    if (this.#held.length > 0 && this.hooks.room()) this.#resolve()
  }

  #resolve(): void {
    const held = this.#held
    this.#held = []
    for (const r of held) r()
  }
}
