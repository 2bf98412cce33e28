/**
 * @module One Redis connection with reconnect backoff and a state that /health can show.
 *
 * node-redis (the official client) reconnects by itself with the strategy given here. The
 * offline queue is off: while Redis is away commands fail at once instead of piling up in
 * memory, and the callers (publish queue, edge readers) keep their own bounded state and retry.
 */
import { createClient } from 'redis'

export type RedisClient = ReturnType<typeof createClient>
export type ConnState = 'connecting' | 'ready' | 'down' | 'closed'

export interface ConnOptions {
  /** Longest wait between reconnect attempts (default 5 s); attempts start at 100 ms. */
  maxBackoffMs?: number
  connectTimeoutMs?: number
}

export interface RedisConn {
  readonly client: RedisClient
  readonly name: string
  readonly state: ConnState
  readonly lastError: string | null
  /** Times the connection became ready after having been lost. */
  readonly reconnects: number
  /** Resolves once ready, or after `ms` (true when ready). */
  ready(ms: number): Promise<boolean>
  /** Back-off between retries: `ms`, cut short when a lost connection comes back. */
  pause(ms: number): Promise<unknown>
  duplicate(name: string): RedisConn
  close(): void
}

/** Exponential backoff with jitter, so many edges do not reconnect in the same millisecond. */
export function backoff(attempt: number, maxMs: number, random = Math.random): number {
  const base = Math.min(maxMs, 100 * 2 ** Math.min(attempt, 16))
  return Math.round(base * (0.5 + random() / 2))
}

export function connectRedis(url: string, name: string, opts: ConnOptions = {}): RedisConn {
  const maxMs = opts.maxBackoffMs ?? 5000
  const client: RedisClient = createClient({
    url,
    name,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: opts.connectTimeoutMs ?? 5000,
      reconnectStrategy: (retries: number) => backoff(retries, maxMs),
    },
  })
  let state: ConnState = 'connecting'
  let lastError: string | null = null
  let everReady = false
  let reconnects = 0
  const waiters = new Set<() => void>()
  client.on('error', (err: Error & { code?: string }) => {
    // node-redis emits every failed attempt here; without a listener it would throw.
    lastError = `${err.code ?? 'E_REDIS'}: ${err.message}`
    if (state !== 'closed') state = 'down'
  })
  client.on('ready', () => {
    if (state === 'closed') return
    if (everReady) reconnects++
    everReady = true
    state = 'ready'
    lastError = null
    for (const w of waiters) w()
  })
  client.on('end', () => {
    state = 'closed'
  })
  client.connect().catch(() => undefined) // retried by the strategy until close()
  const conn: RedisConn = {
    client,
    name,
    get state() {
      return state
    },
    get lastError() {
      return lastError
    },
    get reconnects() {
      return reconnects
    },
    ready(ms) {
      if (state === 'ready' && client.isReady) return Promise.resolve(true)
      return new Promise<boolean>((resolve) => {
        const done = () => {
          clearTimeout(t)
          waiters.delete(done)
          resolve(state === 'ready')
        }
        const t = setTimeout(done, ms)
        waiters.add(done)
      })
    },
    pause(ms) {
      if (state !== 'ready') return conn.ready(ms)
      return new Promise((r) => setTimeout(r, ms))
    },
    duplicate: (n) => connectRedis(url, n, opts),
    close() {
      if (state === 'closed') return
      state = 'closed'
      for (const w of waiters) w()
      client.destroy()
    },
  }
  return conn
}
