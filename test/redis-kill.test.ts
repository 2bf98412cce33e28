/**
 * A real kill -9 of a watcher process mid-stream, then a new process on the same file: the
 * edge gets every line once, in order, with no gap. The watcher runs from an esbuild bundle of
 * the sources (test/helpers/watcher-process.ts; no build of dist/ needed).
 */
import type { ChildProcess } from 'node:child_process'
import { statSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { connectSse, type SseConn } from './helpers/http-sse.js'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import { bundleWatcher, signal, startWatcher } from './helpers/watcher-process.js'
import { Cluster, record, writer } from './redis-harness.js'

const run = redisAvailable()

const start = async (script: string, c: Cluster) =>
  (await startWatcher(script, c.path, c.redis.url)).proc
const kill9 = (p: ChildProcess) => signal(p, 'SIGKILL')

describe.skipIf(!run)('redis watcher kill -9', () => {
  let c: Cluster
  let procs: ChildProcess[] = []
  beforeEach(async () => {
    c = await Cluster.start()
  })
  afterEach(async () => {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) await kill9(p)
    procs = []
    await c.stop()
  })

  it('kill -9 mid-stream and restart: every line once, in order', async () => {
    const script = await bundleWatcher(c.dir)
    procs.push(await start(script, c))
    const edge = await c.startEdge()
    const src = edge.sources[0]!
    const rec = record(src)
    const w = writer(c)
    for (let round = 0; round < 3; round++) {
      await until(() => rec.texts().length > 40 * (round + 1), 5000, `lines of round ${round}`)
      await kill9(procs[procs.length - 1]!)
      await new Promise((r) => setTimeout(r, 100))
      procs.push(await start(script, c))
    }
    await new Promise((r) => setTimeout(r, 100))
    w.stop()
    await until(() => src.position().offset === statSync(c.path).size, 8000, 'edge caught up')
    expect(rec.texts()).toEqual(w.sent)
    expect(rec.kinds()).toEqual([])
  }, 30_000)
})

describe.skipIf(!run)('redis roles through the CLI', () => {
  let c: Cluster
  beforeEach(async () => {
    c = await Cluster.start()
    await ensureBuilt()
  })
  afterEach(async () => {
    await killAll()
    await c.stop()
  })

  it('watcher + two edges: kill -9 edge A and the watcher; the client moves to B', async () => {
    const watcherArgs = ['--redis', c.redis.url, '--port', '0', '--poll', c.path]
    let watcher = runCli(watcherArgs)
    await watcher.url
    const a = runCli(['--redis', c.redis.url, '--port', '0'])
    const b = runCli(['--redis', c.redis.url, '--port', '0'])
    const [aUrl, bUrl] = await Promise.all([a.url, b.url])
    const w = writer(c, 5)
    const client = await connectSse(`${aUrl}events?lines=0`)
    await client.waitFor((x) => texts(x).length > 40, 5000, 'lines on edge A')
    a.child.kill('SIGKILL')
    await a.exit
    watcher.child.kill('SIGKILL') // mid-stream: the writer keeps writing
    await watcher.exit
    await new Promise((r) => setTimeout(r, 100))
    watcher = runCli(watcherArgs)
    await watcher.url
    const moved = await connectSse(`${bUrl}events`, { 'last-event-id': client.parser.lastId })
    await new Promise((r) => setTimeout(r, 300))
    w.stop()
    const all = () => [...texts(client), ...texts(moved)]
    const from = w.sent.indexOf(texts(client)[0]!)
    await moved.waitFor(() => all().length >= w.sent.length - from, 8000, 'every line on edge B')
    expect(all()).toEqual(w.sent.slice(from))
    expect(moved.parser.events.map((e) => e.event)).not.toContain('reset')
    client.close()
    moved.close()
  }, 30_000)
})

function texts(conn: SseConn): string[] {
  return conn.parser.events
    .filter((e) => e.event === 'update' || e.event === 'init')
    .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
}
