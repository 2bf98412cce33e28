/**
 * Redis Cluster: a 3-primary cluster on loopback; the watcher and an edge reach it through its
 * seed nodes (connect.cluster). Every key of a file shares one hash tag, so the fenced append
 * and the lease scripts run on the node of that slot (no CROSSSLOT), the files SET on its own,
 * and the edge streams every line once, in order.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RedisClusterRig } from './helpers/redis-cluster.js'
import { redisAvailable } from './helpers/redis-server.js'
import { appOf, Cluster, sseClient, writer } from './redis-harness.js'

const run = redisAvailable()

describe.skipIf(!run)('redis cluster', () => {
  let rig: RedisClusterRig
  let c: Cluster
  beforeEach(async () => {
    rig = await RedisClusterRig.start()
    c = await Cluster.start({ url: rig.url, content: 'old 1\n' })
  })
  afterEach(async () => {
    await c.stop()
    await rig.stop()
  })

  it('publishes through a 3-primary cluster: every line once, in order', async () => {
    const connect = { cluster: true, maxBackoffMs: 200 }
    await c.startWatcher({ connect })
    const edge = await c.startEdge({ connect })
    const client = sseClient(appOf(edge.sources), undefined, 10)
    await client.until(1)
    const w = writer(c, 5)
    await client.until(100)
    w.stop()
    await client.until(1 + w.sent.length)
    expect(client.texts()).toEqual(['old 1', ...w.sent])
    expect(c.watcher!.pub.health().files[0]).toMatchObject({ leader: true, fenced: 0 })
    expect(edge.health().files[0]).toMatchObject({ gaps: 0, reader: 'live' })
    await client.close()
  }, 30_000)
})
