import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { FakeSource } from './helpers/fake-source.js'
import { lines, readBody, until } from './helpers/sse.js'
import { numbered, range } from './helpers/lines.js'

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})

function setup(src: FakeSource | FakeSource[], deps: Partial<AppDeps> = {}) {
  const t = createApp({ sources: Array.isArray(src) ? src : [src], version: '0.0.0-test', ...deps })
  apps.push(t)
  return t
}

const tick = () => new Promise((r) => setImmediate(r))

describe('GET /events', () => {
  it('sends headers, a jittered retry, then init with exactly the last N lines and an id', async () => {
    const src = new FakeSource('app', { content: numbered(1, 50) })
    const t = setup(src)
    const res = await t.app.request('/events?lines=7')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(res.headers.get('x-accel-buffering')).toBe('no')
    const body = readBody(res)
    const [init] = await body.events(1)
    expect(init?.event).toBe('init')
    expect(JSON.parse(init!.data)).toEqual({
      file: 'app',
      lines: range(44, 50),
      first: src.cursorAt(numbered(1, 43).length),
    })
    expect(init?.id).toBe(src.position().cursor)
    expect(body.parser.retry).toBeGreaterThanOrEqual(2000)
    expect(body.parser.retry).toBeLessThan(5000)
    await body.cancel()
  })

  it('defaults to 10 lines and to the first file; lines=0 sends an empty init', async () => {
    const a = new FakeSource('a', { content: numbered(1, 30) })
    const b = new FakeSource('b', { content: numbered(1, 3) })
    const t = setup([a, b])
    const r1 = readBody(await t.app.request('/events'))
    expect(lines((await r1.events(1))[0])).toEqual(range(21, 30))
    const r2 = readBody(await t.app.request('/events?file=b&lines=0'))
    expect(JSON.parse((await r2.events(1))[0]!.data)).toEqual({
      file: 'b',
      lines: [],
      first: b.position().cursor,
    })
    await r1.cancel()
    await r2.cancel()
  })

  it('streams updates in order with ids, coalescing what arrives before a flush', async () => {
    const src = new FakeSource('app', { content: numbered(1, 5) })
    const t = setup(src)
    const body = readBody(await t.app.request('/events?lines=2'))
    await body.events(1)
    src.append('line 6\n')
    src.append('line 7\nline 8\n')
    const ev = await body.events(2)
    expect(ev[1]?.event).toBe('update')
    expect(lines(ev[1])).toEqual(range(6, 8))
    expect(ev[1]?.id).toBe(src.cursorAt(src.committed))
    for (let i = 9; i <= 20; i++) {
      src.append(`line ${i}\n`)
      await tick()
    }
    await until(
      () => body.parser.events.flatMap((e) => (e.event === 'init' ? [] : lines(e))).length === 15,
      2000,
      'all lines'
    )
    const got = body.parser.events.slice(1)
    expect(got.flatMap((e) => lines(e))).toEqual(range(6, 20))
    for (const e of got) expect(e.id).toMatch(/^\d+-[0-9a-f]{13}$/)
    await body.cancel()
  })

  it('does not deliver a partial line until it is complete', async () => {
    const src = new FakeSource('app')
    const t = setup(src)
    const body = readBody(await t.app.request('/events'))
    await body.events(1)
    src.append('half')
    await tick()
    src.append(' a line\n')
    const ev = await body.events(2)
    expect(lines(ev[1])).toEqual(['half a line'])
    await body.cancel()
  })

  it('sends rotate and truncate as typed events with ids', async () => {
    const src = new FakeSource('app', { content: numbered(1, 3) })
    const t = setup(src)
    const body = readBody(await t.app.request('/events'))
    await body.events(1)
    src.rotate()
    src.append('new 1\n')
    await body.events(3)
    src.truncate()
    src.append('after\n')
    const ev = await body.events(5)
    expect(ev.map((e) => e.event)).toEqual(['init', 'rotate', 'update', 'truncate', 'update'])
    expect(JSON.parse(ev[1]!.data)).toEqual({ reason: 'renamed' })
    expect(JSON.parse(ev[3]!.data)).toEqual({ reason: 'size', size: 0 })
    expect(lines(ev[4])).toEqual(['after'])
    for (const e of ev) expect(e.id).toBeDefined()
    await body.cancel()
  })

  it('keeps one subscription per source however many clients', async () => {
    const src = new FakeSource('app', { content: numbered(1, 3) })
    const t = setup(src)
    const bodies = await Promise.all(
      Array.from({ length: 20 }, async () => readBody(await t.app.request('/events')))
    )
    for (const b of bodies) await b.events(1)
    expect(src.listenerCount).toBe(1)
    expect(t.clients()).toBe(20)
    src.append('x\n')
    for (const b of bodies) expect(lines((await b.events(2))[1])).toEqual(['x'])
    await Promise.all(bodies.map((b) => b.cancel()))
    await until(() => t.clients() === 0, 1000, 'clients gone')
  })

  it('lines are JSON strings: CR, LF-like and HTML stay text', async () => {
    const src = new FakeSource('app')
    const t = setup(src)
    const body = readBody(await t.app.request('/events'))
    await body.events(1)
    const nasty = ['<script>alert(1)</script>', 'a\rb', 'event: fake', 'data: x', '\u2028\u0000é']
    src.append(nasty.join('\n') + '\n')
    expect(lines((await body.events(2))[1])).toEqual(nasty)
    await body.cancel()
  })
})

describe('resume', () => {
  async function firstIds(t: Taillight, src: FakeSource) {
    const body = readBody(await t.app.request('/events?lines=0'))
    await body.events(1)
    const ids: string[] = [body.parser.events[0]!.id!]
    for (let i = 1; i <= 30; i++) {
      src.append(`line ${i}\n`)
      await tick()
    }
    await until(
      () => body.parser.events.slice(1).flatMap((e) => lines(e)).length === 30,
      2000,
      '30 lines'
    )
    for (const e of body.parser.events.slice(1)) ids.push(e.id!)
    await body.cancel()
    return { ids, events: body.parser.events }
  }

  for (const ring of [true, false]) {
    it(`resumes from every id with nothing lost or doubled (${ring ? 'ring' : 'file catch-up'})`, async () => {
      const src = new FakeSource('app')
      const t = setup(src, { broadcaster: ring ? {} : { ringFrames: 1 } })
      const { ids, events } = await firstIds(t, src)
      for (let k = 0; k < ids.length; k++) {
        const already = events.slice(1, k + 1).flatMap((e) => lines(e)).length
        const body = readBody(
          await t.app.request('/events', { headers: { 'Last-Event-ID': ids[k]! } })
        )
        src.append(`live ${k}\n`)
        await until(
          () => body.parser.events.flatMap((e) => lines(e)).includes(`live ${k}`),
          2000,
          'live line'
        )
        const got = body.parser.events.flatMap((e) => lines(e))
        const expected = [...range(already + 1, 30)]
        for (let j = 0; j <= k; j++) expected.push(`live ${j}`)
        // Lines appended while earlier resumes ran are interleaved after line 30.
        expect(got.filter((l) => l.startsWith('line '))).toEqual(range(already + 1, 30))
        expect(got.filter((l) => l.startsWith('live '))).toEqual(
          expected.filter((l) => l.startsWith('live '))
        )
        expect(body.parser.events.some((e) => e.event === 'init' || e.event === 'reset')).toBe(
          false
        )
        await body.cancel()
      }
    })
  }

  it('accepts the cursor as ?lastEventId= too', async () => {
    const src = new FakeSource('app', { content: numbered(1, 10) })
    const t = setup(src)
    const cursor = src.position().cursor
    src.append('line 11\n')
    const body = readBody(await t.app.request(`/events?lastEventId=${cursor}`))
    const ev = await body.events(1)
    expect(ev[0]?.event).toBe('update')
    expect(lines(ev[0])).toEqual(['line 11'])
    await body.cancel()
  })

  it('catches up from the file after a restart (a new app, same file)', async () => {
    const content = numbered(1, 100)
    const before = new FakeSource('app', { content: numbered(1, 40) })
    const cursor = before.position().cursor
    const src = new FakeSource('app', { content })
    const t = setup(src)
    const body = readBody(await t.app.request('/events', { headers: { 'Last-Event-ID': cursor } }))
    await until(() => body.parser.events.flatMap((e) => lines(e)).length === 60, 2000, '60 lines')
    expect(body.parser.events.flatMap((e) => lines(e))).toEqual(range(41, 100))
    expect(body.parser.lastId).toBe(src.position().cursor)
    await body.cancel()
  })

  it('pages a long catch-up and queues live lines meanwhile', async () => {
    const src = new FakeSource('app', { content: numbered(1, 5000), readDelayMs: 1 })
    const t = setup(src, { broadcaster: { maxEventBytes: 1024, ringFrames: 1 } })
    const cursor = src.cursorAt(0)
    const body = readBody(await t.app.request('/events', { headers: { 'Last-Event-ID': cursor } }))
    for (let i = 5001; i <= 5100; i++) {
      src.append(`line ${i}\n`)
      await new Promise((r) => setTimeout(r, 0))
    }
    await until(() => body.parser.events.flatMap((e) => lines(e)).length >= 5100, 5000, 'all')
    expect(body.parser.events.flatMap((e) => lines(e))).toEqual(range(1, 5100))
    expect(body.parser.events.length).toBeGreaterThan(50)
    await body.cancel()
  })

  it('resumes across a rotation from the ring', async () => {
    const src = new FakeSource('app', { content: numbered(1, 3) })
    const t = setup(src)
    const first = readBody(await t.app.request('/events'))
    const id = (await first.events(1))[0]!.id!
    await first.cancel()
    src.append('line 4\n')
    src.rotate()
    src.append('new 1\nnew 2\n')
    await tick()
    const body = readBody(await t.app.request('/events', { headers: { 'Last-Event-ID': id } }))
    const ev = await body.events(3)
    expect(ev.map((e) => e.event)).toEqual(['update', 'rotate', 'update'])
    expect(ev.flatMap((e) => (e.event === 'update' ? lines(e) : []))).toEqual([
      'line 4',
      'new 1',
      'new 2',
    ])
    await body.cancel()
  })

  for (const [name, cursor, reason] of [
    ['malformed', 'not-a-cursor', 'malformed'],
    ['non-ASCII', 'caf\u00e9', 'malformed'],
    ['too long', '1'.repeat(300), 'malformed'],
    ['ahead', 'AHEAD', 'ahead'],
    ['stale (rotated)', 'STALE', 'stale'],
  ] as const) {
    it(`answers a ${name} cursor with reset + a fresh init`, async () => {
      const src = new FakeSource('app', { content: numbered(1, 20) })
      let c: string = cursor
      if (cursor === 'AHEAD') c = src.cursorAt(99999)
      if (cursor === 'STALE') {
        c = src.position().cursor
        src.rotate()
        src.append('fresh\n')
      }
      const t = setup(src, { broadcaster: { ringFrames: 1 } })
      const res = await t.app.request('/events?lines=3', { headers: { 'Last-Event-ID': c } })
      expect(res.status).toBe(200)
      const body = readBody(res)
      const ev = await body.events(2)
      expect(ev[0]?.event).toBe('reset')
      expect(JSON.parse(ev[0]!.data)).toEqual({ reason })
      expect(ev[1]?.event).toBe('init')
      expect(lines(ev[1])).toEqual(cursor === 'STALE' ? ['fresh'] : range(18, 20))
      expect(ev[1]?.id).toBe(src.position().cursor)
      await body.cancel()
    })
  }
})

describe('max clients', () => {
  it('tells a new EventSource the server is full (200, event: error, long retry); others get 503', async () => {
    const src = new FakeSource('app')
    const t = setup(src, { maxClients: 2 })
    const a = readBody(await t.app.request('/events'))
    const b = readBody(await t.app.request('/events'))
    await a.events(1)
    await b.events(1)
    const full = await t.app.request('/events', { headers: { accept: 'text/event-stream' } })
    expect(full.status).toBe(200)
    const c = readBody(full)
    await c.ended
    expect(c.parser.events[0]?.event).toBe('error')
    expect(JSON.parse(c.parser.events[0]!.data).error).toBe('server-full')
    expect(c.parser.retry).toBeGreaterThanOrEqual(30_000)
    const plain = await t.app.request('/events')
    expect(plain.status).toBe(503)
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('server_full')
    await a.cancel()
    await until(() => t.clients() === 1, 1000, 'a slot frees')
    const d = readBody(await t.app.request('/events'))
    expect((await d.events(1))[0]?.event).toBe('init')
    await b.cancel()
    await d.cancel()
  })
})

describe('slow clients (stream sink)', () => {
  it('drops a client that does not read, with a dropped event, while others keep receiving', async () => {
    const src = new FakeSource('app')
    const t = setup(src, { broadcaster: { maxQueueBytes: 64 * 1024, drainTimeoutMs: 60_000 } })
    const slow = await t.app.request('/events') // never read
    const fast = readBody(await t.app.request('/events'))
    await fast.events(1)
    const big = 'x'.repeat(1000)
    for (let i = 0; i < 200; i++) {
      src.append(`${i} ${big}\n`)
      await tick()
    }
    await until(
      () => fast.parser.events.slice(1).flatMap((e) => lines(e)).length === 200,
      3000,
      'fast got all'
    )
    expect(t.clients()).toBe(1)
    expect(t.metrics.dropped.queue).toBe(1)
    const rest = readBody(slow)
    await rest.ended
    const last = rest.parser.events[rest.parser.events.length - 1]
    expect(last?.event).toBe('dropped')
    expect(JSON.parse(last!.data).reason).toBe('queue')
    await fast.cancel()
  })

  it('drops a client that has not drained within the drain timeout', async () => {
    const src = new FakeSource('app')
    const t = setup(src, { broadcaster: { drainTimeoutMs: 200 } })
    const slow = await t.app.request('/events')
    void slow
    src.append('y'.repeat(100 * 1024) + '\n')
    await until(() => t.clients() === 0, 3000, 'slow client dropped')
    expect(t.metrics.dropped.drain).toBe(1)
  })
})
