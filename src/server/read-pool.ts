/**
 * @module ReadPool: at most `size` heavy history reads (scrollback pages, search pages, download
 * chunks) in flight per server, so a burst of requests cannot fill the event loop, the thread
 * pool or memory.
 *
 * A slot is held for one read, never for a whole response: a client that stops reading holds
 * nothing here. New requests wait in a bounded queue for a bounded time and are then refused
 * (503 busy); reads that continue a response already under way jump that queue and are never
 * refused, since their count is bounded by the open responses and failing them would cut a
 * body in the middle.
 */

export interface ReadPoolOptions {
  /** Reads in flight at once (default 4). */
  size?: number
  /** New requests waiting for a slot at most (default 64); one more is refused at once. */
  queue?: number
  /** Longest wait of a new request for a slot, in ms (default 5,000). */
  waitMs?: number
}

/** Runs one read of a route in a slot; continuation = a read of a body already under way. */
export type Read = <T>(fn: () => Promise<T>, continuation: boolean) => Promise<T>

/** No slot for a new request: answered 503 with Retry-After. */
export class BusyError extends Error {
  readonly code = 'busy'
  constructor(readonly path: string) {
    super('too many history reads at once; retry shortly')
  }
}

interface Waiter {
  grant: () => void
  timer?: ReturnType<typeof setTimeout>
}

export class ReadPool {
  readonly size: number
  readonly queueMax: number
  readonly waitMs: number
  private active = 0
  /** Continuations first, then new requests, each in arrival order. */
  private readonly urgent: Waiter[] = []
  private readonly fresh: Waiter[] = []

  constructor(opts: ReadPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? 4)
    this.queueMax = Math.max(0, opts.queue ?? 64)
    this.waitMs = Math.max(0, opts.waitMs ?? 5_000)
  }

  get inFlight(): number {
    return this.active
  }

  get waiting(): number {
    return this.urgent.length + this.fresh.length
  }

  /** run() bound to a route's path, for the modules that read a route's pages. */
  reader(path: string): Read {
    return (fn, continuation) => this.run(path, fn, continuation)
  }

  /**
   * Runs `fn` in a slot. `continuation` marks a read of a response whose headers are already
   * sent: it waits as long as needed. Otherwise a full queue or a wait past waitMs throws
   * BusyError naming `path` (the route).
   */
  async run<T>(path: string, fn: () => Promise<T>, continuation = false): Promise<T> {
    await this.acquire(path, continuation)
    try {
      return await fn()
    } finally {
      this.release()
    }
  }

  private acquire(path: string, continuation: boolean): Promise<void> {
    if (this.active < this.size && this.waiting === 0) {
      this.active++
      return Promise.resolve()
    }
    if (!continuation && this.fresh.length >= this.queueMax) {
      return Promise.reject(new BusyError(path))
    }
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { grant: resolve }
      if (continuation) {
        this.urgent.push(w)
        return
      }
      w.timer = setTimeout(() => {
        const i = this.fresh.indexOf(w)
        if (i >= 0) this.fresh.splice(i, 1)
        reject(new BusyError(path))
      }, this.waitMs)
      this.fresh.push(w)
    })
  }

  private release(): void {
    const next = this.urgent.shift() ?? this.fresh.shift()
    if (!next) {
      this.active--
      return
    }
    // The slot passes straight to the next waiter; `active` stays the same.
    if (next.timer) clearTimeout(next.timer)
    next.grant()
  }
}
