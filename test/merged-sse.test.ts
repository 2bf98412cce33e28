import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { parseMergedCursor } from '../src/core/merged-cursor.js'
import { jwtVerifier } from '../src/server/jwt-auth.js'
import { FakeSource } from './helpers/fake-source.js'
import { startJwks } from './helpers/jwks.js'
import { readBody, SseParser, until, within, type SseEvent } from './helpers/sse.js'

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})

function setup(src: FakeSource[], deps: Partial<AppDeps> = {}) {
  const t = createApp({ sources: src, version: '0.0.0-test', ...deps })
  apps.push(t)
  return t
}

const stamp = (ms: number) => new Date(ms).toISOString()
const T0 = Date.parse('2026-12-01T10:00:00Z')
const old = (s: number, what: string) => `${stamp(T0 + s * 1000)} ${what}\n`

interface Tagged {
  file: string
  line: string
}

function merged(events: SseEvent[]): Tagged[] {
  const out: Tagged[] = []
  for (const e of events) {
    if (e.event !== 'update') continue
    const d = JSON.parse(e.data) as { lines: string[]; files: string[] }
    d.lines.forEach((line, i) => out.push({ file: d.files[i] as string, line }))
  }
  return out
}

describe('GET /events?file=* (merged view)', () => {
  it('starts at the merge point: the last N lines of each file from one time on, in order', async () => {
    const a = new FakeSource('a', {
      content: old(1, 'a1') + old(3, 'a3') + '  at frame\n' + old(5, 'a5'),
    })
    const b = new FakeSource('b', { content: old(2, 'b2') + old(4, 'b4') + old(6, 'b6') })
    const t = setup([a, b])
    const body = readBody(await t.app.request('/events?file=*&lines=3'))
    const [init] = await body.events(1)
    expect(init?.event).toBe('init')
    const data = JSON.parse(init!.data) as { file: string; lines: string[]; first: string }
    expect(data).toMatchObject({ file: '*', lines: [] })
    await until(() => merged(body.parser.events).length >= 5, 3000, 'five merged lines')
    await new Promise((r) => setTimeout(r, 400))
    // a's last three start at a3 (a has older lines): b's b2, older than that, is scrollback's.
    expect(merged(body.parser.events)).toEqual([
      { file: 'a', line: old(3, 'a3').trim() },
      { file: 'a', line: '  at frame' },
      { file: 'b', line: old(4, 'b4').trim() },
      { file: 'a', line: old(5, 'a5').trim() },
      { file: 'b', line: old(6, 'b6').trim() },
    ])
    expect(parseMergedCursor(body.parser.lastId)?.size).toBe(2)
    await body.cancel()
    // Scrollback from `first` continues the view in order, tagged, up to the start of both.
    const page = (await (
      await t.app.request(`/api/lines?file=*&limit=10&before=${encodeURIComponent(data.first)}`)
    ).json()) as { lines: string[]; files: string[]; first: string; atStart: boolean }
    expect(page.lines).toEqual([old(1, 'a1').trim(), old(2, 'b2').trim()])
    expect(page.files).toEqual(['a', 'b'])
    expect(page.atStart).toBe(true)
    // A page of one takes the newest older line (b2) and moves only b's start.
    const one = (await (
      await t.app.request(`/api/lines?file=*&limit=1&before=${encodeURIComponent(data.first)}`)
    ).json()) as { lines: string[]; first: string; atStart: boolean }
    expect(one.lines).toEqual([old(2, 'b2').trim()])
    expect(one.atStart).toBe(false)
    expect(parseMergedCursor(one.first)?.get('a')).toEqual(parseMergedCursor(data.first)?.get('a'))
    const bad = await t.app.request('/api/lines?file=*&before=1-00000000000000')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_cursor')
  })

  it('resumes from a merged cursor taken mid-event: every line once, in order', async () => {
    const a = new FakeSource('a', { content: '' })
    const b = new FakeSource('b', { content: '' })
    const t = setup([a, b])
    const first = readBody(await t.app.request('/events?file=*'))
    await first.events(1)
    // Stamps of now. a's three lines come in one event; b's two let a0 b1 a2 b3 go at once,
    // and a4 waits (held) for b's next line: that frame ends inside a's event.
    const now = Date.now()
    b.append(`${stamp(now + 1)} b1\n${stamp(now + 3)} b3\n`)
    a.append(`${stamp(now)} a0\n${stamp(now + 2)} a2\n${stamp(now + 4)} a4\n`)
    await until(() => merged(first.parser.events).length >= 4, 3000, 'four lines')
    const frame = first.parser.events.find((e) => e.event === 'update' && e.data.includes('b3'))
    const cursor = frame?.lastId ?? ''
    const got = merged(first.parser.events.slice(0, first.parser.events.indexOf(frame!) + 1))
    await first.cancel()
    expect(got.map((g) => g.line.split(' ')[1])).toEqual(['a0', 'b1', 'a2', 'b3'])
    // a's part is "its event's cursor plus the two lines of it sent".
    expect(parseMergedCursor(cursor)?.get('a')?.k).toBe(2)
    b.append(`${stamp(now + 5)} b5\n`)
    a.append(`${stamp(now + 6)} a6\n`)
    const res = await t.app.request('/events?file=*', { headers: { 'last-event-id': cursor } })
    const second = readBody(res)
    const total = 7
    await until(() => got.length + merged(second.parser.events).length >= total, 5000, 'rest')
    expect(second.parser.events.some((e) => e.event === 'init' || e.event === 'reset')).toBe(false)
    const all = got.concat(merged(second.parser.events)).map((g) => g.line.split(' ')[1])
    expect(all).toEqual(['a0', 'b1', 'a2', 'b3', 'a4', 'b5', 'a6'])
    await second.cancel()
  })

  it('a file added while the stream is open joins it, with its place in the merged cursor', async () => {
    const a = new FakeSource('a', { content: old(1, 'a1') })
    const t = setup([a])
    const body = readBody(await t.app.request('/events?file=*'))
    await until(() => merged(body.parser.events).length >= 1, 3000, 'a1')
    const c = new FakeSource('c', { content: old(2, 'c2') })
    t.registry.add(c)
    // The registry tells the open stream: c's first lines come without a reconnect.
    await until(() => merged(body.parser.events).some((m) => m.file === 'c'), 5000, 'c joins')
    const now = Date.now()
    c.append(`${stamp(now)} c3\n`)
    a.append(`${stamp(now + 1)} a4\n`)
    await until(() => merged(body.parser.events).length >= 4, 5000, 'live lines of both')
    expect(body.parser.events.filter((e) => e.event === 'init')).toHaveLength(1)
    expect(merged(body.parser.events).map((m) => `${m.file}:${m.line.split(' ')[1]}`)).toEqual([
      'a:a1',
      'c:c2',
      'c:c3',
      'a:a4',
    ])
    const cursor = body.parser.lastId
    expect([...parseMergedCursor(cursor)!.keys()]).toEqual(['a', 'c'])
    await body.cancel()
    // Resuming by that cursor: c's next line once, nothing of it again.
    c.append(`${stamp(now + 2)} c5\n`)
    const again = readBody(
      await t.app.request('/events?file=*', { headers: { 'last-event-id': cursor } })
    )
    await until(() => merged(again.parser.events).length >= 1, 5000, 'c5')
    await new Promise((r) => setTimeout(r, 400))
    expect(merged(again.parser.events).map((m) => m.line.split(' ')[1])).toEqual(['c5'])
    await again.cancel()
  })

  it('a file added before the init went out joins after it; a closed stream joins nothing', async () => {
    // a's first read is slow: the merged init waits for it, and c is added meanwhile.
    const a = new FakeSource('a', { content: old(1, 'a1'), readDelayMs: 300 })
    const t = setup([a])
    const body = readBody(await t.app.request('/events?file=*'))
    t.registry.add(new FakeSource('c', { content: old(2, 'c2') }))
    expect(body.parser.events.some((e) => e.event === 'init')).toBe(false)
    await until(() => merged(body.parser.events).some((m) => m.file === 'c'), 5000, 'c joins')
    expect(body.parser.events.filter((e) => e.event === 'init')).toHaveLength(1)
    expect(t.registry.files.get('c')?.hub.size).toBe(1)
    expect(t.registry.watchers).toBe(1)
    await body.cancel()
    await until(() => t.registry.files.get('a')?.hub.size === 0, 3000, 'the stream closed')
    expect(t.registry.watchers).toBe(0)
    t.registry.add(new FakeSource('d', { content: old(3, 'd3') }))
    await new Promise((r) => setTimeout(r, 50))
    expect(t.registry.files.get('d')?.hub.size).toBe(0)
  })

  it('a malformed merged cursor gets reset, then a fresh init', async () => {
    const t = setup([new FakeSource('a', { content: old(1, 'x') }), new FakeSource('b')])
    const res = await t.app.request('/events?file=*&lastEventId=' + encodeURIComponent('*a=+3'))
    const body = readBody(res)
    const ev = await body.events(2)
    expect(ev.slice(0, 2).map((e) => e.event)).toEqual(['reset', 'init'])
    await body.cancel()
  })

  it('merges only the files the request may read (JWT groups)', async () => {
    const jwks = await startJwks()
    try {
      const files = ['web', 'db', 'shared'].map(
        (id, i) => new FakeSource(id, { content: old(i, `${id}-line`) })
      )
      const t = setup(files, {
        fileMeta: new Map([
          ['web', { groups: ['web'] }],
          ['db', { groups: ['db'] }],
        ]),
        jwt: jwtVerifier({ jwksUrl: jwks.url, jwksCooldownMs: 0 }),
      })
      const token = await jwks.sign('alice', ['web'])
      const res = await t.app.request('/events?file=*', {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(200)
      const body = readBody(res)
      await until(() => merged(body.parser.events).length >= 2, 3000, 'two lines')
      await new Promise((r) => setTimeout(r, 400))
      expect(merged(body.parser.events).map((g) => g.file)).toEqual(['web', 'shared'])
      expect(body.parser.lastId).not.toContain('db')
      // Files added later join under the same access: web's group, not another group's.
      t.registry.add(new FakeSource('ops', { content: old(5, 'ops-line') }), { groups: ['ops'] })
      t.registry.add(new FakeSource('web2', { content: old(6, 'web2-line') }), { groups: ['web'] })
      await until(() => merged(body.parser.events).some((g) => g.file === 'web2'), 5000, 'web2')
      await new Promise((r) => setTimeout(r, 400))
      expect(merged(body.parser.events).map((g) => g.file)).toEqual(['web', 'shared', 'web2'])
      expect(body.parser.lastId).not.toContain('ops')
      await body.cancel()
      // Nobody may read nothing: a user of no group sees only the shared file; no file at all is 404.
      const none = setup([new FakeSource('db2')], {
        fileMeta: new Map([['db2', { groups: ['db'] }]]),
        jwt: jwtVerifier({ jwksUrl: jwks.url, jwksCooldownMs: 0 }),
      })
      const r404 = await none.app.request('/events?file=*', {
        headers: { authorization: `Bearer ${token}` },
      })
      expect(r404.status).toBe(404)
      expect(((await r404.json()) as { error: { code: string } }).error.code).toBe('unknown_file')
    } finally {
      jwks.close()
    }
  })
  it('a merged client that never reads is dropped like a single-file one; its files let it go', async () => {
    const a = new FakeSource('a')
    const b = new FakeSource('b')
    const t = setup([a, b], { broadcaster: { drainTimeoutMs: 200 } })
    const slow = await t.app.request('/events?file=*')
    void slow
    await until(() => t.clients() === 2, 2000, 'both files joined')
    const big = 'y'.repeat(100 * 1024)
    for (let i = 0; i < 20; i++) a.append(`${stamp(Date.now())} ${big}\n`)
    await until(() => t.clients() === 0, 5000, 'slow merged client dropped')
    expect(t.metrics.dropped.drain + t.metrics.dropped.queue).toBeGreaterThanOrEqual(1)
  })

  it('with ?skip= a merged client that falls behind gets a skipped event naming the file', async () => {
    const a = new FakeSource('a')
    const b = new FakeSource('b')
    const t = setup([a, b], { broadcaster: { skipSettleMs: 100 } })
    const res = await t.app.request('/events?file=*&skip=65536')
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    await until(() => t.clients() === 2, 2000, 'both files joined')
    // Not read while 4 MB are written to a: the socket backs up, a's stream skips ahead.
    const now = stamp(Date.now())
    let burst = ''
    for (let i = 0; i < 4000; i++) burst += `${now} a ${i} ${'x'.repeat(1000)}\n`
    a.append(burst + `${now} a last\n`)
    const parser = new SseParser()
    // One read in flight at a time: a read left pending by a timeout takes the next chunk.
    let pending: ReturnType<typeof reader.read> | undefined
    const readUntil = async (ok: () => boolean, ms: number) => {
      const deadline = Date.now() + ms
      while (!ok() && Date.now() < deadline) {
        pending ??= reader.read()
        const r = await within(deadline - Date.now(), pending, 'a chunk').catch(() => null)
        if (!r) continue
        pending = undefined
        if (r.done) break
        parser.feed(r.value)
      }
    }
    // The skip reaches the head: from then on what is written arrives, right away.
    await readUntil(() => parser.events.some((e) => e.event === 'skipped'), 5000)
    await readUntil(() => false, 1000)
    a.append(`${stamp(Date.now())} a after\n`)
    await readUntil(() => parser.events.some((e) => e.data.includes('a after')), 5000)
    await reader.cancel()
    const skipped = parser.events.filter((e) => e.event === 'skipped')
    expect(skipped.length).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(skipped[0]!.data)).toMatchObject({ file: 'a' })
    expect(parser.events.some((e) => e.event === 'dropped')).toBe(false)
    expect(merged(parser.events).length).toBeLessThan(4001)
    expect(merged(parser.events).at(-1)?.line).toMatch(/ a after$/)
  })
})
