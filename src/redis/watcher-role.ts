/**
 * @module The watcher role: publish every followed file to Redis, next to its own HTTP server.
 *
 * One Redis connection for all files (XADDs pipeline well; per-file order is kept by each
 * publisher's single loop), one FilePublisher per file, and a heartbeat that rewrites each
 * file's metadata and files-SET membership (state changes are written at once).
 */
import type { LogSource } from '../core/log-source.js'
import { connectRedis, type ConnOptions, type RedisConn } from './conn.js'
import { redisKeys } from './keys.js'
import { writeMeta } from './meta.js'
import { FilePublisher } from './publisher.js'
import type { PublisherOptions } from './publisher-options.js'
import { redactUrl, type RedisHealth } from './health.js'
import { errorText } from './stream-io.js'

export interface WatcherOptions extends Omit<PublisherOptions, 'keys'> {
  /** Key prefix (default 'taillight'); one watcher per prefix. */
  prefix?: string
  /** Metadata refresh period (default 2,000 ms). */
  heartbeatMs?: number
  /** This watcher's HTTP base URL, published for operators and history beyond retention. */
  watcherUrl?: string
  connect?: ConnOptions
}

export interface WatcherPublishing {
  readonly role: 'watcher'
  readonly conn: RedisConn
  readonly publishers: readonly FilePublisher[]
  health(): RedisHealth
  /** Stops publishing; with flushMs > 0 first tries that long to send what is held. */
  close(flushMs?: number): Promise<void>
}

export function startWatcherPublishing(
  sources: readonly LogSource[],
  url: string,
  opts: WatcherOptions = {}
): WatcherPublishing {
  const keys = redisKeys(opts.prefix)
  const conn = connectRedis(url, 'taillight-watcher', opts.connect)
  const heartbeatMs = opts.heartbeatMs ?? 2000
  const maxLen = opts.maxLen ?? 100_000
  const publishers = sources.map((s) => new FilePublisher(s, conn, { ...opts, keys }))
  let metaError: string | null = null
  const beat = () => {
    if (conn.state !== 'ready') return
    const extra = { watcher: opts.watcherUrl ?? '', heartbeatMs, maxLen, now: Date.now() }
    Promise.all(sources.map((s) => writeMeta(conn.client, keys, s, extra))).then(
      () => (metaError = null),
      (err: unknown) => (metaError = errorText(err))
    )
  }
  const timer = setInterval(beat, heartbeatMs)
  ;(timer as { unref?: () => void }).unref?.()
  void conn.ready(30_000).then(beat)
  const unsubscribe = sources.map((s) =>
    s.subscribe((e) => {
      if (e.type === 'missing' || e.type === 'error' || e.type === 'backend') beat()
    })
  )
  return {
    role: 'watcher',
    conn,
    publishers,
    health: () => ({
      role: 'watcher',
      redis: redactUrl(url),
      state: conn.state,
      lastError: conn.lastError ?? metaError,
      reconnects: conn.reconnects,
      files: publishers.map((p) => ({
        id: p.source.id,
        ...p.stats,
        held: p.held.entries,
        heldBytes: p.held.bytes,
      })),
    }),
    async close(flushMs = 0) {
      clearInterval(timer)
      for (const u of unsubscribe) u()
      await Promise.all(publishers.map((p) => p.close(flushMs)))
      conn.close()
    },
  }
}
