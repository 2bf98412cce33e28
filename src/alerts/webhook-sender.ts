/**
 * @module POSTs alerts to webhooks, one lane per rule: a webhook that hangs or fails delays
 * only its own rule's alerts, never another rule's and never the reading of a file.
 *
 * Each lane sends one POST at a time with a timeout, retries what may succeed later (network
 * errors, timeouts, 429 and 5xx) with exponential backoff and jitter, and queues at most
 * `maxQueue` alerts: the rate limit keeps a lane near empty, and a lane that still fills up
 * (a webhook down for long) drops its oldest alert, counted as failed, rather than grow.
 */

export interface SenderOptions {
  /** Per attempt (default 5,000 ms). */
  timeoutMs?: number
  /** Attempts after the first (default 4). */
  retries?: number
  /** First backoff (default 500 ms), doubled each retry up to maxDelayMs (default 30,000). */
  baseDelayMs?: number
  maxDelayMs?: number
  maxQueue?: number
  fetch?: typeof fetch
  /** Reports each alert's end: sent, or failed with why. */
  onResult: (rule: string, ok: boolean, why?: string) => void
}

interface Job {
  url: string
  body: string
}

interface Lane {
  queue: Job[]
  busy: boolean
}

export class WebhookSender {
  readonly #lanes = new Map<string, Lane>()
  #closed = false
  readonly #abort = new AbortController()

  constructor(private readonly o: SenderOptions) {}

  send(rule: string, url: string, payload: unknown): void {
    if (this.#closed) return
    let lane = this.#lanes.get(rule)
    if (!lane) this.#lanes.set(rule, (lane = { queue: [], busy: false }))
    if (lane.queue.length >= (this.o.maxQueue ?? 8)) {
      lane.queue.shift()
      this.o.onResult(rule, false, 'queue full')
    }
    lane.queue.push({ url, body: JSON.stringify(payload) })
    if (!lane.busy) void this.#run(rule, lane)
  }

  /** Stops sending: attempts in flight are aborted, queued alerts dropped. */
  close(): void {
    this.#closed = true
    this.#abort.abort()
    this.#lanes.clear()
  }

  async #run(rule: string, lane: Lane): Promise<void> {
    lane.busy = true
    for (let job = lane.queue.shift(); job && !this.#closed; job = lane.queue.shift()) {
      const why = await this.#deliver(job)
      if (!this.#closed) this.o.onResult(rule, why === undefined, why)
    }
    lane.busy = false
  }

  /** Undefined when delivered, else why not. */
  async #deliver(job: Job): Promise<string | undefined> {
    const retries = this.o.retries ?? 4
    let why = ''
    for (let attempt = 0; attempt <= retries && !this.#closed; attempt++) {
      if (attempt > 0) await this.#sleep(this.#delay(attempt))
      const r = await this.#attempt(job)
      if (r.ok) return undefined
      why = r.why
      if (!r.retry) break
    }
    return why
  }

  async #attempt(job: Job): Promise<{ ok: boolean; retry: boolean; why: string }> {
    const signal = AbortSignal.any([
      this.#abort.signal,
      AbortSignal.timeout(this.o.timeoutMs ?? 5_000),
    ])
    try {
      const res = await (this.o.fetch ?? fetch)(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'taillight-alerts' },
        body: job.body,
        signal,
        redirect: 'manual',
      })
      // The body is not needed; cancelling it frees the connection.
      await res.body?.cancel().catch(() => {})
      if (res.status >= 200 && res.status < 300) return { ok: true, retry: false, why: '' }
      const retry = res.status === 429 || res.status >= 500
      return { ok: false, retry, why: `HTTP ${res.status}` }
    } catch (err) {
      const e = err as Error
      const why = e.name === 'TimeoutError' ? 'timeout' : (e.cause as Error)?.message || e.message
      return { ok: false, retry: true, why }
    }
  }

  #delay(attempt: number): number {
    const cap = Math.min(
      this.o.maxDelayMs ?? 30_000,
      (this.o.baseDelayMs ?? 500) * 2 ** (attempt - 1)
    )
    // Equal jitter: the backoff still grows, and lanes that failed together spread out.
    return cap / 2 + (Math.random() * cap) / 2
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#abort.signal
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const t = setTimeout(done, ms)
      ;(t as { unref?: () => void }).unref?.()
      signal.addEventListener('abort', done)
    })
  }
}
