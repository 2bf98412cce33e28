/**
 * @module Shared set-up of the Redis scale-out tests: a redis-server, a followed file published
 * by a watcher, edges, and SSE clients on the real HTTP app (app.fetch, Web-stream sink).
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FollowEvent } from '../src/core/types.js'
import { createFileSource, type FileSource } from '../src/follow/file-source.js'
import { createEdgeSources, startWatcherPublishing, type EdgeOptions } from '../src/redis/roles.js'
import type {
  EdgeSource,
  EdgeSources,
  WatcherOptions,
  WatcherPublishing,
} from '../src/redis/roles.js'
import { createApp, type AppDeps } from '../src/server/app.js'
import { tempDir } from './helpers/fs.js'
import { RedisServer } from './helpers/redis-server.js'
import { readBody, until, type SseEvent } from './helpers/sse.js'

export const FILE_ID = 'app.log'

export class Cluster {
  redis!: RedisServer
  dir!: string
  path!: string
  watcher: { source: FileSource; pub: WatcherPublishing } | null = null
  edges: EdgeSources[] = []
  private cleanupDir: () => Promise<void> = async () => undefined
  private written = 0

  /** Another Redis (say a Sentinel URL) instead of a redis-server of its own. */
  private urlOverride: string | null = null

  get url(): string {
    return this.urlOverride ?? this.redis.url
  }

  static async start(opts: { content?: string; url?: string } = {}): Promise<Cluster> {
    const c = new Cluster()
    if (opts.url) c.urlOverride = opts.url
    else c.redis = await RedisServer.start()
    const t = await tempDir('taillight-redis-test-')
    c.dir = t.dir
    c.cleanupDir = t.cleanup
    c.path = join(t.dir, FILE_ID)
    writeFileSync(c.path, opts.content ?? '')
    return c
  }

  async startWatcher(opts: WatcherOptions = {}): Promise<WatcherPublishing> {
    const source = await createFileSource(FILE_ID, this.path, { poll: true, pollMaxMs: 20 })
    // A short lease: a restarted watcher (a new owner) takes over within a second.
    const lease = { ttlMs: 1000 }
    const pub = startWatcherPublishing([source], this.url, {
      heartbeatMs: 200,
      lease,
      ...opts,
    })
    this.watcher = { source, pub }
    return pub
  }

  /** Stops the watcher without flushing anything it holds (a crash, minus the process). */
  async crashWatcher(): Promise<void> {
    const w = this.watcher
    this.watcher = null
    if (!w) return
    w.pub.conn.close()
    await w.pub.close(0)
    await w.source.close()
  }

  async startEdge(opts: EdgeOptions = {}): Promise<EdgeSources> {
    const e = await createEdgeSources(this.url, {
      startTimeoutMs: 5000,
      metaPollMs: 200,
      reader: { blockMs: 500 },
      connect: { maxBackoffMs: 200 },
      ...opts,
    })
    this.edges.push(e)
    return e
  }

  /** Appends `n` numbered lines; returns their texts. */
  write(n: number, prefix = 'line'): string[] {
    const out: string[] = []
    for (let i = 0; i < n; i++)
      out.push(`${prefix} ${++this.written} ${'x'.repeat(this.written % 7)}`)
    appendFileSync(this.path, out.map((l) => l + '\n').join(''))
    return out
  }

  async stop(): Promise<void> {
    for (const e of this.edges) await e.close()
    this.edges = []
    if (this.watcher) {
      await this.watcher.pub.close(0)
      await this.watcher.source.close()
    }
    await this.redis?.stop()
    await this.cleanupDir()
  }
}

/** An SSE client of an app: every line of init/update events, in arrival order. */
export function sseClient(app: ReturnType<typeof createApp>, lastEventId?: string, lines = 0) {
  const headers: Record<string, string> = { accept: 'text/event-stream' }
  if (lastEventId) headers['last-event-id'] = lastEventId
  const req = new Request(`http://edge/events?file=${FILE_ID}&lines=${lines}`, { headers })
  const res = Promise.resolve(app.fetch(req))
  let body: ReturnType<typeof readBody> | null = null
  const ready = res.then((r) => (body = readBody(r)))
  const events = (): SseEvent[] => body?.parser.events ?? []
  const texts = () =>
    events()
      .filter((e) => e.event === 'init' || e.event === 'update')
      .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
  return {
    ready,
    events,
    texts,
    lastId: () => body?.parser.lastId ?? '',
    kinds: () => events().map((e) => e.event),
    async until(n: number, ms = 10_000) {
      await ready
      await until(() => texts().length >= n, ms, `${n} lines (have ${texts().length})`)
    },
    close: async () => {
      await ready
      await body?.cancel()
    },
  }
}

export function appOf(sources: AppDeps['sources'], broadcaster: AppDeps['broadcaster'] = {}) {
  return createApp({ sources, version: 'test', broadcaster, onError: () => undefined })
}

/** Everything an edge source delivers. */
export function record(src: EdgeSource) {
  const events: FollowEvent[] = []
  src.subscribe((e) => void events.push(e))
  return {
    events,
    texts: () => events.flatMap((e) => (e.type === 'lines' ? e.lines.map((l) => l.text) : [])),
    kinds: () => events.filter((e) => e.type !== 'lines').map((e) => e.type),
  }
}

/** Writes a few lines every few ms until stopped. */
export function writer(c: Cluster, every = 3) {
  const sent: string[] = []
  const t = setInterval(() => sent.push(...c.write(1 + (sent.length % 3))), every)
  return { sent, stop: () => clearInterval(t) }
}
