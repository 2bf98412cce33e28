/**
 * @module The watcher role: publish every followed file to Redis, next to its own HTTP server.
 *
 * One Redis connection for all files (appends pipeline well; per-file order is kept by each
 * publisher's single loop), one FilePublisher per file with its own lease (several watchers
 * may follow the same files: one leads per file, the others stand by), and a heartbeat that
 * rewrites each led file's metadata and files-SET membership (state changes at once).
 */
import type { LogSource } from '../../core/log-source.js'
import { errorText } from '../commands.js'
import { connectRedis, type ConnOptions, type RedisConn } from '../conn.js'
import { connHealth, type RedisHealth } from '../health.js'
import { unpublish, writeMeta } from '../meta.js'
import { redisKeys } from '../protocol.js'
import type { PublisherOptions } from './options.js'
import { FilePublisher } from './publisher.js'

export interface WatcherOptions extends Omit<PublisherOptions, 'keys'> {
  /** Key prefix (default 'taillight'). */
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
  /** Publishes one more file (a file that started matching while the watcher runs). */
  add(source: LogSource): void
  /** Another watcher leads this file (by Redis's last answer): its alerts are that one's. */
  standsBy(id: string): boolean
  /** Stops publishing a file and withdraws it from the files SET (edges drop it). */
  remove(id: string): Promise<void>
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
  const unsubscribe = new Map<string, () => void>()
  let metaError: string | null = null
  const beat = () => {
    if (conn.state !== 'ready') return
    const extra = { watcher: opts.watcherUrl ?? '', heartbeatMs, maxLen, now: Date.now() }
    // Only the leader speaks for a file: a standby's view would flap the edges' state.
    const led = publishers.filter((p) => p.lease.holds)
    const lead = (p: FilePublisher) => ({ ...extra, epoch: p.lease.epoch, since: p.lease.since })
    Promise.all(led.map((p) => writeMeta(conn.client, keys, p.source, lead(p)))).then(
      () => (metaError = null),
      (err: unknown) => (metaError = errorText(err))
    )
  }
  const timer = setInterval(beat, heartbeatMs)
  ;(timer as { unref?: () => void }).unref?.()
  void conn.ready(30_000).then(beat)
  const watchState = (s: LogSource) =>
    unsubscribe.set(
      s.id,
      s.subscribe((e) => {
        if (e.type === 'missing' || e.type === 'error' || e.type === 'backend') beat()
      })
    )
  sources.forEach(watchState)
  return {
    role: 'watcher',
    conn,
    publishers,
    add(source) {
      if (publishers.some((p) => p.source.id === source.id)) return
      publishers.push(new FilePublisher(source, conn, { ...opts, keys }))
      watchState(source)
    },
    standsBy: (id) => publishers.find((p) => p.source.id === id)?.lease.elsewhere ?? false,
    async remove(id) {
      const i = publishers.findIndex((p) => p.source.id === id)
      if (i < 0) return
      const [p] = publishers.splice(i, 1)
      unsubscribe.get(id)?.()
      unsubscribe.delete(id)
      const led = p!.lease.leader
      await p!.close(0)
      if (led && conn.state === 'ready') await unpublish(conn.client, keys, id)
    },
    health: () => ({
      ...connHealth('watcher', url, conn, metaError),
      files: publishers.map((p) => ({
        id: p.source.id,
        leader: p.lease.leader,
        since: p.lease.since === null ? null : new Date(p.lease.since).toISOString(),
        epoch: p.lease.epoch,
        elections: p.lease.elections,
        ...p.stats,
        lastError: p.stats.lastError ?? p.lease.lastError,
        held: p.held.entries,
        heldBytes: p.held.bytes,
      })),
    }),
    async close(flushMs = 0) {
      clearInterval(timer)
      for (const u of unsubscribe.values()) u()
      await Promise.all(publishers.map((p) => p.close(flushMs)))
      conn.close()
    },
  }
}
