/**
 * @module The edge role: LogSources for every file a watcher publishes in Redis.
 *
 * Files are discovered from the files SET at start, and while it runs (files.ts: new ones are
 * added to the app, withdrawn ones removed). Each file gets its own XREAD connection; lookups
 * and metadata polling share one more.
 */
import { errorText } from '../commands.js'
import { connectRedis, type ConnOptions } from '../conn.js'
import { connHealth, redactUrl, type RedisHealth } from '../health.js'
import { listFiles } from '../meta.js'
import { redisKeys } from '../protocol.js'
import { EdgeFiles, type EdgeFilesOptions, type FileSink } from './files.js'
import type { EdgeSource } from './source.js'

export interface EdgeOptions extends EdgeFilesOptions {
  prefix?: string
  /** How long to wait for Redis and for a first published file (default 30 s). */
  startTimeoutMs?: number
  /** Metadata refresh period (default 2,000 ms). */
  metaPollMs?: number
  connect?: ConnOptions
}

export interface EdgeSources {
  readonly role: 'edge'
  /** The files served now (changes while the edge runs, once serveIn() was called). */
  readonly sources: readonly EdgeSource[]
  /** Published files not served: over maxFiles, or published before serveIn(). */
  readonly unserved: readonly string[]
  /** Files published or withdrawn from now on are added to or removed from `sink`. */
  serveIn(sink: FileSink): void
  health(): RedisHealth
  close(): Promise<void>
}

const fail = (code: string, message: string) => Object.assign(new Error(message), { code })

export async function createEdgeSources(url: string, opts: EdgeOptions = {}): Promise<EdgeSources> {
  const keys = redisKeys(opts.prefix)
  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000)
  const main = connectRedis(url, 'taillight-edge', opts.connect)
  const left = () => Math.max(0, deadline - Date.now())
  let ids: string[] = []
  try {
    if (!(await main.ready(left()))) {
      throw fail('E_REDIS_UNAVAILABLE', `redis ${redactUrl(url)}: ${main.lastError ?? 'no answer'}`)
    }
    while ((ids = await listFiles(main.client, keys)).length === 0) {
      if (left() === 0) throw fail('E_NO_FILES', `no watcher publishes files in ${redactUrl(url)}`)
      await new Promise((r) => setTimeout(r, Math.min(500, left())))
    }
  } catch (err) {
    main.close()
    throw err
  }
  const files = new EdgeFiles(main, keys, { ...opts, maxBackoffMs: opts.connect?.maxBackoffMs })
  for (const id of ids.slice(0, opts.maxFiles ?? 256)) await files.open(id)
  await Promise.race([files.synced(), new Promise((r) => setTimeout(r, left()))])

  let pollError: string | null = null
  let polling = false // one poll at a time: a slow Redis must not open a file twice
  const timer = setInterval(() => {
    if (polling || main.state !== 'ready') return
    polling = true
    files
      .poll()
      .then(
        () => (pollError = null),
        (err: unknown) => (pollError = errorText(err))
      )
      .finally(() => (polling = false))
  }, opts.metaPollMs ?? 2000)
  ;(timer as { unref?: () => void }).unref?.()

  return {
    role: 'edge',
    sources: files.sources,
    get unserved() {
      return files.unserved
    },
    serveIn: (sink) => files.serveIn(sink),
    health: () => ({
      ...connHealth('edge', url, main, pollError),
      files: files.sources.map((s) => ({
        id: s.id,
        reader: s.stats.reader,
        lastId: s.stats.lastId,
        entries: s.stats.entries,
        gaps: s.stats.gaps,
        replayed: s.stats.replayed,
        leaderEpoch: s.meta?.epoch ?? 0,
        leaderSince: s.meta?.since ? new Date(s.meta.since).toISOString() : null,
        ringEntries: s.ring.size,
        heartbeatAgeMs: s.heartbeatAge(),
        lastError: s.stats.lastError,
      })),
    }),
    async close() {
      clearInterval(timer)
      await files.stop()
      main.close()
    },
  }
}
