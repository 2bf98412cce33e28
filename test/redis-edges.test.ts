/**
 * Watcher + two edges: same events and cursors everywhere; a client that moves from edge A
 * (stopped) to edge B with its Last-Event-ID gets every line once, in order, whether B serves
 * it from its rings or from Redis (XRANGE), and cursors move between edges and the watcher.
 */
import { appendFileSync, renameSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { renderRedisMetrics } from '../src/redis/roles.js'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import { appOf, Cluster, sseClient } from './redis-harness.js'

const run = redisAvailable()

describe.skipIf(!run)('redis edges', () => {
  let c: Cluster
  beforeEach(async () => {
    c = await Cluster.start({ content: 'old 1\nold 2\n' })
  })
  afterEach(async () => {
    await c.stop()
  })

  it('an edge mirrors the watcher: lines, position and tail', async () => {
    await c.startWatcher()
    const edge = await c.startEdge()
    const src = edge.sources[0]!
    const file = c.watcher!.source
    expect(src.id).toBe('app.log')
    expect(src.path).toBe(c.path)
    const got: string[] = []
    src.subscribe((e) => {
      if (e.type === 'lines') got.push(...e.lines.map((l) => l.text))
    })
    const sent = c.write(30)
    await until(() => got.length >= 30, 5000, 'edge lines')
    expect(got).toEqual(sent)
    await until(() => src.position().cursor === file.position().cursor, 2000, 'same head')
    const t = await src.tail(5, src.position())
    const f = await file.tail(5, file.position())
    expect(t).toEqual(f)
    const b = await src.readBefore((t as { first: string }).first, 3, 1 << 20)
    expect(b).toEqual(await file.readBefore((f as { first: string }).first, 3, 1 << 20))
    expect(await src.check(file.position().cursor)).toEqual(
      await file.check(file.position().cursor)
    )
    expect(await src.check('12-0123456789abcd')).toEqual({ ok: false, reason: 'stale' })
    expect(await src.check('999999-0123456789abcd')).toEqual({ ok: false, reason: 'ahead' })
    expect(await src.check('nope')).toEqual({ ok: false, reason: 'malformed' })
    expect(src.info().state).toBe('following')
    expect(edge.health().files[0]).toMatchObject({ id: 'app.log', reader: 'live', gaps: 0 })
    // Who leads, and since when, on both sides.
    const w = c.watcher!.pub.health().files[0]!
    expect(w).toMatchObject({ leader: true, epoch: 1, elections: 1 })
    expect(Date.parse(String(w.since))).toBeGreaterThan(Date.now() - 60_000)
    const wm = renderRedisMetrics(c.watcher!.pub.health())
    expect(wm).toContain('taillight_redis_leader{role="watcher",file="app.log"} 1')
    expect(wm).toContain('taillight_redis_lease_epoch{role="watcher",file="app.log"} 1')
    await until(() => edge.health().files[0]!.leaderEpoch === 1, 2000, 'edge sees the leader')
    const em = renderRedisMetrics(edge.health())
    expect(em).toContain('taillight_redis_leader_epoch{role="edge",file="app.log"} 1')
  })

  for (const mode of ['rings', 'redis'] as const) {
    it(`a client moves from edge A to edge B with its Last-Event-ID (${mode})`, async () => {
      await c.startWatcher()
      const small = mode === 'redis'
      const a = await c.startEdge(small ? { ring: { entries: 2 } } : {})
      const b = await c.startEdge(small ? { ring: { entries: 2 } } : {})
      const appA = appOf(a.sources, small ? { ringFrames: 2 } : {})
      const appB = appOf(b.sources, small ? { ringFrames: 2 } : {})
      const before = c.write(20, 'before')
      await until(
        () => b.sources[0]!.stats.entries > 0 && a.sources[0]!.stats.entries > 0,
        5000,
        'edges'
      )
      const client = sseClient(appA.app as never)
      await client.ready
      await until(() => client.kinds().includes('init'), 5000, 'init')
      const sent: string[] = []
      for (let i = 0; i < 10; i++) {
        sent.push(...c.write(5))
        await new Promise((r) => setTimeout(r, 15))
      }
      await client.until(50)
      const id = client.lastId()
      await client.close()
      appA.close()
      await a.close() // edge A goes away
      for (let i = 0; i < 10; i++) {
        sent.push(...c.write(5))
        await new Promise((r) => setTimeout(r, 15))
      }
      const size = statSync(c.path).size
      await until(() => b.sources[0]!.position().offset === size, 5000, 'B caught up')
      const moved = sseClient(appB.app as never, id)
      for (let i = 0; i < 5; i++) {
        sent.push(...c.write(4))
        await new Promise((r) => setTimeout(r, 15))
      }
      await moved.until(70)
      await new Promise((r) => setTimeout(r, 100))
      const all = [...client.texts(), ...moved.texts()]
      expect(all).toEqual(sent)
      expect(all.some((l) => before.includes(l))).toBe(false)
      expect(moved.kinds()).not.toContain('reset')
      expect(moved.kinds()).not.toContain('init')
      // From the rings, or through LogSource.readAfter on the edge (XRANGE, tiny rings).
      expect(appB.metrics.file('app.log').catchUps).toBe(small ? 1 : 0)
      await moved.close()
      appB.close()
    })
  }

  it('cursors move between the watcher and an edge, also inside a batch', async () => {
    await c.startWatcher()
    const edge = await c.startEdge({ ring: { entries: 3 } })
    const src = edge.sources[0]!
    const file = c.watcher!.source
    const start = file.position().cursor
    await until(() => src.position().cursor === start, 5000, 'edge at start')
    const sent = [...c.write(40), ...c.write(40)] // big batches: pages end inside them
    const size = statSync(c.path).size
    await until(() => src.position().offset === size, 5000, 'edge caught up')
    const until_ = file.position()
    expect(src.position()).toMatchObject({ offset: until_.offset, cursor: until_.cursor })
    // Page through on one side, switch sides after every page: every line once, in order.
    for (const [first, second] of [
      [file, src],
      [src, file],
    ] as const) {
      const got: string[] = []
      let cursor = start
      for (let page = 0; ; page++) {
        const from = page % 2 === 0 ? first : second
        const r = await from.readAfter(cursor, from.position(), 64)
        if ('stale' in r) throw new Error(`stale at page ${page}: ${r.reason}`)
        got.push(...r.lines.map((l) => l.text))
        if (!r.more) break
        cursor = r.last
      }
      expect(got).toEqual(sent)
    }
    // Scrollback cursors too: pages from the edge continue on the watcher.
    const t = await src.readBefore(until_.cursor, 7, 1 << 20)
    if ('stale' in t) throw new Error('stale')
    const f = await file.readBefore(t.first, 7, 1 << 20)
    if ('stale' in f) throw new Error('stale')
    expect([...f.lines, ...t.lines].map((l) => l.text)).toEqual(sent.slice(-14))
    // Through the app: the watcher's SSE id resumes on the edge.
    const watcherApp = appOf([file])
    const edgeApp = appOf(edge.sources, { ringFrames: 2 })
    const w = sseClient(watcherApp.app as never, start)
    await w.until(80)
    await w.close()
    const more = c.write(10)
    const e = sseClient(edgeApp.app as never, w.lastId())
    await e.until(10)
    expect([...w.texts(), ...e.texts()]).toEqual([...sent, ...more])
    await e.close()
    watcherApp.close()
    edgeApp.close()
  })

  it('rotation, late lines in the rotated-away file and truncation arrive as the same events', async () => {
    await c.startWatcher()
    const edge = await c.startEdge()
    const file = c.watcher!.source
    const seen = (src: typeof file | (typeof edge.sources)[number]) => {
      const out: string[] = []
      src.subscribe((e) => {
        if (e.type === 'lines')
          out.push(
            `${e.previous ? 'prev' : 'lines'} ${e.cursor} ${e.lines.map((l) => l.text).join('|')}`
          )
        else if (e.type === 'rotated' || e.type === 'truncated' || e.type === 'appeared')
          out.push(`${e.type} ${e.cursor}`)
      })
      return out
    }
    const fromFile = seen(file)
    const fromEdge = seen(edge.sources[0]!)
    c.write(3)
    await until(() => fromFile.length > 0, 5000, 'first lines')
    renameSync(c.path, `${c.path}.1`)
    writeFileSync(c.path, 'fresh 1\n')
    await until(() => fromFile.some((l) => l.startsWith('rotated')), 5000, 'rotation')
    appendFileSync(`${c.path}.1`, 'late 1\nlate 2\n') // the writer has not reopened yet
    await until(() => fromFile.some((l) => l.startsWith('prev')), 5000, 'late lines')
    appendFileSync(c.path, 'fresh 2\n')
    await until(() => fromFile.some((l) => l.includes('fresh 2')), 5000, 'fresh')
    truncateSync(c.path, 0)
    appendFileSync(c.path, 'after truncation\n')
    await until(() => fromFile.some((l) => l.includes('after truncation')), 5000, 'truncation')
    await until(() => fromEdge.length === fromFile.length, 5000, 'edge events')
    expect(fromEdge).toEqual(fromFile)
    expect(edge.sources[0]!.position()).toMatchObject({ cursor: file.position().cursor })
    const t = await edge.sources[0]!.tail(5, edge.sources[0]!.position())
    expect(t).toMatchObject({ lines: [{ text: 'after truncation' }] })
  })
})
