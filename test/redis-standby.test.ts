/**
 * Standby watchers: two watcher processes follow the same file, one leads by a lease in Redis.
 * kill -9 the leader while lines are written at a steady rate: the standby takes over and the
 * edge's client gets every line exactly once, in order. SIGSTOP the leader past its lease: the
 * standby takes over; SIGCONT the old leader: it steps down and writes nothing.
 */
import { statSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendAll, readTop } from '../src/redis/commands.js'
import { connectRedis } from '../src/redis/conn.js'
import { formatId, parseId, redisKeys } from '../src/redis/protocol.js'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import {
  bundleWatcher,
  signal,
  startWatcher,
  type WatcherProcess,
} from './helpers/watcher-process.js'
import { appOf, Cluster, sseClient, writer } from './redis-harness.js'

const run = redisAvailable()
const TTL = 1500

describe.skipIf(!run)('redis standby watchers', () => {
  let c: Cluster
  let procs: WatcherProcess[] = []
  let script = ''
  beforeEach(async () => {
    c = await Cluster.start()
    script = await bundleWatcher(c.dir)
    procs = await Promise.all([0, 1].map(() => startWatcher(script, c.path, c.redis.url, TTL)))
  })
  afterEach(async () => {
    for (const p of procs) {
      p.proc.kill('SIGCONT')
      await signal(p.proc, 'SIGKILL')
    }
    await c.stop()
  })

  const leaderOf = async () => {
    await until(() => procs.some((p) => p.state?.leader), 5000, 'a leader')
    const leader = procs.find((p) => p.state?.leader) as WatcherProcess
    return { leader, standby: procs.find((p) => p !== leader) as WatcherProcess }
  }

  async function edgeClient() {
    const edge = await c.startEdge()
    const client = sseClient(appOf(edge.sources))
    await client.ready
    return { edge, client }
  }

  it('kill -9 the leader mid-stream: the standby takes over, every line once, in order', async () => {
    const { leader, standby } = await leaderOf()
    expect(standby.state).toMatchObject({ leader: false, published: 0 })
    const { edge, client } = await edgeClient()
    const w = writer(c, 5)
    await client.until(30)
    const killedAt = Date.now()
    await signal(leader.proc, 'SIGKILL')
    await until(() => standby.state?.leader === true, 3 * TTL, 'takeover')
    const takeover = (standby.state as { at: number }).at - killedAt
    const lead = standby.state!.epoch
    await until(() => client.texts().length > w.sent.length - 5, 5000, 'lines after takeover')
    w.stop()
    const src = edge.sources[0]!
    await until(() => src.position().offset === statSync(c.path).size, 8000, 'edge caught up')
    await client.until(w.sent.length)
    expect(client.texts()).toEqual(w.sent)
    expect(client.kinds().filter((k) => k !== 'init' && k !== 'update')).toEqual([])
    expect(edge.health().files[0]).toMatchObject({ gaps: 0 })
    await until(() => edge.health().files[0]!.leaderEpoch === lead, 3000, 'edge sees the leader')
    console.log(`standby takeover after kill -9: ${takeover} ms (lease TTL ${TTL} ms)`)
    await client.close()
  }, 40_000)

  it('SIGSTOP the leader past its lease: the standby leads; SIGCONT: it steps down, writes nothing', async () => {
    const { leader, standby } = await leaderOf()
    const { edge, client } = await edgeClient()
    const w1 = writer(c, 5)
    await client.until(30)
    // A quiet moment, so the leader's last state line counts all it published before the stop.
    w1.stop()
    await client.until(w1.sent.length)
    await new Promise((r) => setTimeout(r, 200))
    const before = leader.state!
    await signal(leader.proc, 'SIGSTOP')
    const w = writer(c, 5)
    await until(() => standby.state?.leader === true, 3 * TTL, 'takeover')
    await client.until(w1.sent.length + 20, 5000)
    await signal(leader.proc, 'SIGCONT')
    // The old leader wakes with lines to publish and a lease it still thinks it has.
    await until(() => leader.state!.leader === false, 3000, 'step down')
    await new Promise((r) => setTimeout(r, 500))
    w.stop()
    const src = edge.sources[0]!
    await until(() => src.position().offset === statSync(c.path).size, 8000, 'edge caught up')
    const sent = [...w1.sent, ...w.sent]
    await client.until(sent.length)
    expect(client.texts()).toEqual(sent)
    expect(leader.state!.published).toBe(before.published)
    expect(leader.state!.leader).toBe(false)
    expect(standby.state!.leader).toBe(true)
    expect(edge.health().files[0]).toMatchObject({ gaps: 0 })
    console.log(`old leader after SIGCONT: ${JSON.stringify(leader.state)}`)
    await client.close()
  }, 40_000)

  it('the append script refuses a stale epoch (FENCED) and adds nothing', async () => {
    const { leader } = await leaderOf()
    const conn = connectRedis(c.redis.url, 'test')
    try {
      expect(await conn.ready(5000)).toBe(true)
      const keys = redisKeys()
      const key = keys.stream('app.log')
      // Leading is said before the first entry is written: wait for it, then stop the leader.
      const end = Date.now() + 5000
      while (!(await readTop(conn.client, key)) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 20))
      }
      await signal(leader.proc, 'SIGSTOP') // the test writes in its name
      const top = (await readTop(conn.client, key))!
      expect(top).not.toBeNull()
      const next = { ...top, id: formatId(parseId(top.id).epoch, parseId(top.id).seq + 1n) }
      const fence = { key: keys.epoch('app.log'), epoch: leader.state!.epoch - 1 }
      const r = await appendAll(conn.client, key, 1000, fence, [next])
      expect(r).toMatchObject({ sent: 0, fenced: true })
      expect(r.error).toMatch(/FENCED/)
      expect((await readTop(conn.client, key))!.id).toBe(top.id)
    } finally {
      conn.close()
    }
  })
})
