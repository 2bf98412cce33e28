/**
 * What an edge says when history is gone: cursors older than the stream's retention get
 * `reset` (never a silent partial replay), scrollback and downloads beyond it are refused (a
 * download it holds is served, byte for byte), and
 * holes in the stream (a rotation nobody watched, Redis losing everything) reach clients as a
 * `truncate` marker with reason 'gap'.
 */
import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createClient } from 'redis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import { appOf, Cluster, FILE_ID, record, sseClient } from './redis-harness.js'

const run = redisAvailable()

describe.skipIf(!run)('redis history limits', () => {
  let c: Cluster
  beforeEach(async () => {
    c = await Cluster.start()
  })
  afterEach(async () => {
    await c.stop()
  })

  it('a cursor older than the retention gets reset; scrollback and download say so', async () => {
    const admin = createClient({ url: c.redis.url })
    await admin.connect()
    // Small stream nodes so that MAXLEN ~ trims at this test's scale.
    await admin.sendCommand(['CONFIG', 'SET', 'stream-node-max-entries', '4'])
    await c.startWatcher({ maxLen: 8, watcherUrl: 'http://127.0.0.1:7878/logs/' })
    const edge = await c.startEdge({ ring: { entries: 2 } })
    const src = edge.sources[0]!
    const old = src.position().cursor
    for (let i = 0; i < 40; i++) {
      c.write(2)
      await new Promise((r) => setTimeout(r, 25)) // separate batches, separate entries
    }
    await until(() => src.position().offset === statSync(c.path).size, 5000, 'edge caught up')
    const len = Number(await admin.sendCommand(['XLEN', `taillight:{${FILE_ID}}:log`]))
    expect(len).toBeLessThan(20)
    admin.destroy()
    expect(await src.check(old)).toEqual({ ok: false, reason: 'stale' })
    const app = appOf(edge.sources, { ringFrames: 2 })
    const client = sseClient(app.app as never, old, 3)
    await until(() => client.kinds().includes('init'), 5000, 'init')
    expect(client.kinds().slice(0, 2)).toEqual(['reset', 'init'])
    expect(client.texts()).toHaveLength(3)
    await client.close()
    // Scrollback pages until the start of what the stream holds, then a 409, never an empty 200.
    let before = src.position().cursor
    let status = 200
    for (let i = 0; i < 100 && status === 200; i++) {
      const res = await app.fetch(
        new Request(`http://e/api/lines?file=${FILE_ID}&before=${before}&limit=5`)
      )
      status = res.status
      const body = (await res.json()) as { first: string; lines: string[] }
      if (status === 200) {
        expect(body.lines.length).toBeGreaterThan(0)
        before = body.first
      }
    }
    expect(status).toBe(409)
    const dl = await app.fetch(new Request(`http://e/download?file=${FILE_ID}`))
    expect(dl.status).toBe(409)
    // Older bytes than the stream holds: a code of their own, and where to get them instead.
    const err = ((await dl.json()) as { error: { code: string; message: string } }).error
    expect(err.code).toBe('not_in_stream')
    expect(err.message).toContain(`http://127.0.0.1:7878/logs/download?file=${FILE_ID}`)
    app.close()
  })

  it('download on an edge: the bytes the stream holds; a line that is not UTF-8 is refused', async () => {
    writeFileSync(c.path, 'first line\nsecond \u00e9 line\n')
    await c.startWatcher()
    const edge = await c.startEdge()
    const app = appOf(edge.sources)
    const src = edge.sources[0]!
    await until(() => src.position().offset === statSync(c.path).size, 5000, 'edge caught up')
    const dl = await app.fetch(new Request(`http://e/download?file=${FILE_ID}`))
    expect(dl.status).toBe(200)
    expect(Buffer.from(await dl.arrayBuffer()).equals(readFileSync(c.path))).toBe(true)
    appendFileSync(c.path, Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a]))
    await until(() => src.position().offset === statSync(c.path).size, 5000, 'edge caught up')
    const bad = await src.openRange(0, statSync(c.path).size)
    if ('stale' in bad) throw new Error('the start of the range is in the stream')
    await expect(new Response(bad).arrayBuffer()).rejects.toThrow(/not plain UTF-8/)
    app.close()
  })

  it('a rotation while no watcher ran: edges get a gap marker, then the new file', async () => {
    await c.startWatcher()
    const edge = await c.startEdge()
    const rec = record(edge.sources[0]!)
    const first = c.write(5)
    await until(() => rec.texts().length === 5, 5000, 'first lines')
    await c.crashWatcher()
    renameSync(c.path, `${c.path}.1`)
    writeFileSync(c.path, 'new 1\nnew 2\n')
    await c.startWatcher()
    await until(() => rec.kinds().length > 0, 5000, 'gap event')
    const more = c.write(3)
    await until(() => rec.texts().length === 8, 5000, 'new lines')
    expect(rec.texts()).toEqual([...first, ...more])
    const gap = rec.events.find((e) => e.type === 'truncated')
    expect(gap).toMatchObject({ type: 'truncated', reason: 'gap' })
    expect(c.watcher!.pub.health().files[0]).toMatchObject({ resets: 1 })
    // The new epoch resumes like any other: same cursor on both sides.
    await until(
      () => edge.sources[0]!.position().cursor === c.watcher!.source.position().cursor,
      5000,
      'same'
    )
  })

  it('Redis and the watcher both restarted: the hole is reported, then lines flow', async () => {
    await c.startWatcher()
    const edge = await c.startEdge()
    const rec = record(edge.sources[0]!)
    c.write(5)
    await until(() => rec.texts().length === 5, 5000, 'first lines')
    await c.crashWatcher()
    await c.redis.down()
    c.write(2) // lost for the edges: nobody can tell them these lines
    await c.redis.up()
    await c.startWatcher()
    const more = c.write(3)
    await until(() => rec.texts().length === 8, 8000, 'lines after')
    expect(rec.texts().slice(5)).toEqual(more)
    expect(rec.events.filter((e) => e.type === 'truncated')).toMatchObject([{ reason: 'gap' }])
    expect(edge.health().files[0]).toMatchObject({ gaps: 1 })
  })
})
