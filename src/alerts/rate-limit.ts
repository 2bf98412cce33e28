/**
 * @module At most one POST per rule per `every` seconds, and nothing lost silently: a match
 * inside the window is held (only the newest: one line per rule, whatever the burst), and when
 * the window ends it is sent with the number of matches it stood in for.
 *
 * Leading and trailing: the first match of a quiet rule goes out at once, so an alert arrives
 * within a second of its line; a burst costs two POSTs, the second saying how many were folded.
 */

export interface Held<P> {
  payload: P
  /** Matches since the previous POST that will never be sent themselves. */
  suppressed: number
}

export interface LimiterDeps {
  now: () => number
  /** Runs fn after ms; returns a cancel function. */
  later: (fn: () => void, ms: number) => () => void
}

export class RateLimiter<P> {
  #openAt = 0
  #held: P | undefined
  #folded = 0
  #cancel: (() => void) | undefined

  constructor(
    private everyMs: number,
    private readonly emit: (h: Held<P>) => void,
    private readonly onSuppressed: () => void,
    private readonly deps: LimiterDeps
  ) {}

  /** A new window length (a reload); the current window keeps its end. */
  setEvery(ms: number): void {
    this.everyMs = ms
  }

  offer(payload: P): void {
    const now = this.deps.now()
    if (this.#held === undefined && now >= this.#openAt) {
      this.#send({ payload, suppressed: 0 }, now)
      return
    }
    if (this.#held !== undefined) {
      this.#folded++
      this.onSuppressed()
    }
    this.#held = payload
    this.#cancel ??= this.deps.later(() => this.#flush(), Math.max(0, this.#openAt - now))
  }

  /** Drops the held match (the rule went away); it counts as suppressed. */
  close(): void {
    this.#cancel?.()
    this.#cancel = undefined
    if (this.#held !== undefined) this.onSuppressed()
    this.#held = undefined
  }

  #flush(): void {
    this.#cancel = undefined
    const payload = this.#held
    if (payload === undefined) return
    const suppressed = this.#folded
    this.#held = undefined
    this.#folded = 0
    this.#send({ payload, suppressed }, this.deps.now())
  }

  #send(h: Held<P>, now: number): void {
    this.#openAt = now + this.everyMs
    this.emit(h)
  }
}
