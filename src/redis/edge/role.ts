/**
 * @module The edge role: LogSources for every file a watcher publishes in Redis.
 *
 * Files are discovered from the files SET at start (the HTTP app takes a fixed list; a file
 * published later is reported in health and served after a restart of the edge). Each file gets
 * its own XREAD connection; lookups and metadata polling share one more.
 */
import { errorText, readTop } from '../commands.js'
import { connectRedis, type ConnOptions, type RedisConn } from '../conn.js'
import { connHealth, redactUrl, type RedisHealth } from '../health.js'
import { listFiles, readMeta } from '../meta.js'
import { compareIds, parseId, redisKeys } from '../protocol.js'
import { startReader, type Reader, type ReaderOptions } from './reader.js'
import { EdgeSource } from './source.js'

export interface EdgeOptions {
  prefix?: string
  ring?: { entries?: number; bytes?: number }
  reader?: ReaderOptions
  /** How long to wait for Redis and for a first published file (default 30 s). */
  startTimeoutMs?: number
  /** Metadata refresh period (default 2,000 ms). */
  metaPollMs?: number
  connect?: ConnOptions
}

export interface EdgeSources {
  readonly role: 'edge'
  readonly sources: readonly EdgeSource[]
  /** Files published after this edge started (served after a restart). */
  readonly unserved: readonly string[]
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
  const conns: RedisConn[] = []
  const readers: Reader[] = []
  const sources: EdgeSource[] = []
  for (const id of ids) {
    const meta = await readMeta(main.client, keys, id)
    const s = new EdgeSource(id, meta?.path ?? id, keys.stream(id), main.client, opts.ring)
    s.setMeta(meta)
    const conn = main.duplicate(`taillight-edge:${id}`)
    conns.push(conn)
    readers.push(startReader(s, conn, { ...opts.reader, maxBackoffMs: opts.connect?.maxBackoffMs }))
    sources.push(s)
  }
  await Promise.race([
    Promise.all(readers.map((r) => r.synced)),
    new Promise((r) => setTimeout(r, left())),
  ])

  const unserved: string[] = []
  let pollError: string | null = null
  const poll = async () => {
    if (main.state !== 'ready') return
    for (const s of sources) {
      s.setMeta(await readMeta(main.client, keys, s.id))
      // A stream now older than what we applied lost its newest entries (a failover to a
      // replica that lagged, a restart): in the same generation, read on after its top (what
      // the watcher re-publishes and this edge delivered is skipped, live.ts); a stream begun
      // again under a clock that went back is read from its start, as a gap.
      const top = await readTop(main.client, s.key)
      if (top && compareIds(top.id, s.stats.lastId) < 0) {
        s.live.rewind(parseId(top.id).epoch === s.live.head.gen ? top.id : '0-0')
      }
    }
    for (const id of await listFiles(main.client, keys)) {
      if (!ids.includes(id) && !unserved.includes(id)) unserved.push(id)
    }
  }
  const timer = setInterval(() => {
    poll().then(
      () => (pollError = null),
      (err: unknown) => (pollError = errorText(err))
    )
  }, opts.metaPollMs ?? 2000)
  ;(timer as { unref?: () => void }).unref?.()

  return {
    role: 'edge',
    sources,
    unserved,
    health: () => ({
      ...connHealth('edge', url, main, pollError),
      files: sources.map((s) => ({
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
      await Promise.all(readers.map((r) => r.stop()))
      main.close()
    },
  }
}
