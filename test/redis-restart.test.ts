/**
 * Watcher crash and restart mid-stream, Redis restart: edges end up with every line exactly
 * once, in order, with no gap event, and health shows the outage while it lasts.
 */
import { statSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EdgeSource } from '../src/redis/roles.js'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import { Cluster, record, writer } from './redis-harness.js'

const run = redisAvailable()

const caughtUp = (c: Cluster, src: EdgeSource) => () =>
  src.position().offset === statSync(c.path).size

describe.skipIf(!run)('redis restarts', () => {
  let c: Cluster
  beforeEach(async () => {
    c = await Cluster.start()
  })
  afterEach(async () => {
    await c.stop()
  })

  it('watcher crash and restart mid-stream: no duplicate, no gap', async () => {
    await c.startWatcher()
    const edge = await c.startEdge()
    const rec = record(edge.sources[0]!)
    const w = writer(c)
    await until(() => rec.texts().length > 50, 5000, 'lines before the crash')
    await c.crashWatcher()
    await new Promise((r) => setTimeout(r, 150)) // lines written while no watcher runs
    await c.startWatcher()
    await new Promise((r) => setTimeout(r, 150))
    await c.crashWatcher() // twice, the second time right after start
    await c.startWatcher()
    await new Promise((r) => setTimeout(r, 100))
    w.stop()
    await until(caughtUp(c, edge.sources[0]!), 5000, 'edge caught up')
    expect(rec.texts()).toEqual(w.sent)
    expect(rec.kinds()).toEqual([])
    expect(c.watcher!.pub.health().files[0]).toMatchObject({ resets: 0 })
  })

  it('Redis restart: the watcher holds, edges resync, nothing lost or doubled', async () => {
    await c.startWatcher()
    const edges = [await c.startEdge(), await c.startEdge()]
    const recs = edges.map((e) => record(e.sources[0]!))
    const w = writer(c)
    await until(() => recs.every((r) => r.texts().length > 30), 5000, 'lines before')
    await c.redis.down()
    await until(() => c.watcher!.pub.health().state !== 'ready', 5000, 'watcher sees redis down')
    await until(
      () => edges.every((e) => e.sources[0]!.info().state === 'error'),
      5000,
      'edges down'
    )
    expect(edges[0]!.health().state).not.toBe('ready')
    await new Promise((r) => setTimeout(r, 300))
    expect(c.watcher!.pub.health().files[0]!.held).toBeGreaterThan(0)
    await c.redis.up()
    await new Promise((r) => setTimeout(r, 200))
    w.stop()
    for (const e of edges) await until(caughtUp(c, e.sources[0]!), 8000, 'edge resynced')
    for (const r of recs) {
      expect(r.texts()).toEqual(w.sent)
      expect(r.kinds()).toEqual([])
    }
    await until(() => edges.every((e) => e.sources[0]!.info().state === 'following'), 5000, 'ok')
    expect(edges[0]!.health().reconnects).toBeGreaterThan(0)
  })

  it('a watcher that overflows its bound while Redis is away re-reads the file', async () => {
    await c.startWatcher({ maxBufferEntries: 5, maxBufferBytes: 4096 }) // re-read in 1 KiB chunks
    const edge = await c.startEdge()
    const rec = record(edge.sources[0]!)
    const w = writer(c)
    await until(() => rec.texts().length > 20, 5000, 'lines before')
    await c.redis.down()
    for (let i = 0; i < 20; i++) {
      w.sent.push(...c.write(20)) // about 10 KiB more while Redis is away
      await new Promise((r) => setTimeout(r, 15))
    }
    expect(c.watcher!.pub.health().files[0]!.rebases).toBeGreaterThan(0)
    await c.redis.up()
    await new Promise((r) => setTimeout(r, 100))
    w.stop()
    await until(caughtUp(c, edge.sources[0]!), 8000, 'edge resynced')
    expect(rec.texts()).toEqual(w.sent)
    expect(rec.kinds()).toEqual([])
  })
})
