/**
 * Redis that fails over: a primary, a replica and three sentinels on loopback; the watcher and
 * an edge reach them through `redis+sentinel://`. kill -9 the primary while lines are written:
 * Sentinel promotes the replica, node-redis finds it, the watcher re-elects itself, compares
 * the stream with what it published and re-publishes what the new primary lacks (same ids,
 * same bytes), and the edge's client gets every line exactly once, in order.
 */
import { statSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { redisAvailable } from './helpers/redis-server.js'
import { SentinelRig } from './helpers/redis-sentinel.js'
import { until } from './helpers/sse.js'
import { appOf, Cluster, sseClient, writer } from './redis-harness.js'

const run = redisAvailable()

describe.skipIf(!run)('redis sentinel failover', () => {
  let rig: SentinelRig
  let c: Cluster
  beforeEach(async () => {
    rig = await SentinelRig.start()
    await rig.synced()
    c = await Cluster.start({ url: rig.url })
  })
  afterEach(async () => {
    await c.stop()
    await rig.stop()
  })

  it('kill -9 the primary mid-stream: after the failover every line once, in order', async () => {
    const pub = await c.startWatcher({ connect: { maxBackoffMs: 200 } })
    await until(() => pub.publishers[0]!.lease.leader, 5000, 'leader')
    const edge = await c.startEdge({ startTimeoutMs: 10_000 })
    const client = sseClient(appOf(edge.sources))
    await client.ready
    const w = writer(c, 5)
    await client.until(40)
    const old = rig.primary
    const killedAt = Date.now()
    const seen = client.texts().length
    await rig.kill9(old)
    while ((await rig.currentPrimary()) !== rig.replica) {
      if (Date.now() - killedAt > 15_000) throw new Error('no promotion within 15 s')
      await new Promise((r) => setTimeout(r, 50))
    }
    const promoted = Date.now() - killedAt
    await until(() => client.texts().length > seen + 20, 15_000, 'lines after the failover')
    const resumed = Date.now() - killedAt
    await new Promise((r) => setTimeout(r, 500))
    w.stop()
    const src = edge.sources[0]!
    await until(() => src.position().offset === statSync(c.path).size, 15_000, 'edge caught up')
    await client.until(w.sent.length)
    expect(client.texts()).toEqual(w.sent)
    expect(client.kinds().filter((k) => k !== 'init' && k !== 'update')).toEqual([])
    expect(edge.health().files[0]).toMatchObject({ gaps: 0 })
    const h = pub.health().files[0]!
    console.log(
      `sentinel failover: promoted after ${promoted} ms, lines again after ${resumed} ms; ` +
        `watcher ${JSON.stringify({ epoch: h.epoch, reseeded: h.reseeded, fenced: h.fenced })}, ` +
        `edge replayed ${String(edge.health().files[0]!.replayed)}`
    )
    await client.close()
  }, 60_000)
})
