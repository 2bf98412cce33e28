/**
 * @module One Redis connection (a server, a Sentinel-named primary or a Cluster, conn-url.ts)
 * with reconnect backoff and a state that /health can show.
 *
 * node-redis (the official client) reconnects by itself with the strategy given here; after a
 * Sentinel failover it finds the new primary and `reconnects` counts the change, so the watcher
 * checks what the new primary lacks (publisher.ts) as after any reconnect.
 */
import { createDriver } from './conn-url.js'

/** The one call the roles make: a raw command, its reply as Redis sends it. */
export interface RedisClient {
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>
}
export type ConnState = 'connecting' | 'ready' | 'down' | 'closed'

export interface ConnOptions {
  /** Longest wait between reconnect attempts (default 5 s); attempts start at 100 ms. */
  maxBackoffMs?: number
  connectTimeoutMs?: number
  /** The URL's hosts are Redis Cluster seed nodes (`--redis-cluster`). */
  cluster?: boolean
}

export interface RedisConn {
  readonly client: RedisClient
  readonly name: string
  readonly state: ConnState
  readonly lastError: string | null
  /** Times the connection became ready after having been lost, or the primary changed. */
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
  const driver = createDriver(url, {
    name,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
    reconnectStrategy: (retries: number) => backoff(retries, maxMs),
    cluster: opts.cluster,
  })
  const client: RedisClient = { sendCommand: (args, o) => driver.sendCommand(args, o) }
  let state: ConnState = 'connecting'
  let lastError: string | null = null
  let everReady = false
  let reconnects = 0
  const waiters = new Set<() => void>()
  driver.on('error', (err: (Error & { code?: string }) | string) => {
    // node-redis emits every failed attempt here; without a listener it would throw.
    lastError = typeof err === 'string' ? err : `${err.code ?? 'E_REDIS'}: ${err.message}`
    // A Sentinel or Cluster client also reports errors of nodes it is not using.
    if (state !== 'closed' && driver.kind === 'server') state = 'down'
  })
  driver.on('reconnecting', () => {
    if (state !== 'closed') state = 'down'
  })
  driver.on('topology-change', (e: { type?: string }) => {
    if (e?.type === 'MASTER_CHANGE' && everReady) reconnects++
  })
  // A Cluster client says `connect` once it knows the slots (its nodes say `ready`).
  driver.on(driver.kind === 'cluster' ? 'connect' : 'ready', () => {
    if (state === 'closed') return
    if (everReady) reconnects++
    everReady = true
    state = 'ready'
    lastError = null
    for (const w of waiters) w()
  })
  driver.on('end', () => {
    state = 'closed'
  })
  driver.connect().catch((err: unknown) => {
    // Retried by the strategy until close(); a Sentinel or Cluster seed list that never
    // answered fails here once, so say why.
    lastError = `${(err as { code?: string }).code ?? 'E_REDIS'}: ${(err as Error)?.message ?? err}`
  })
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
      if (state === 'ready') return Promise.resolve(true)
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
      driver.destroy()
    },
  }
  return conn
}
