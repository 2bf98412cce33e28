/**
 * Real sockets: the Node adapter on 127.0.0.1, port 0, against in-memory sources. The SSE suite
 * runs twice, as bufferutil's does: chunks by the addon's send(2) (node-raw-sink.ts) and through
 * the ServerResponse; both must pass the same tests.
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AppDeps } from '../src/server/app.js'
import { loadAssets } from '../src/server/node-assets.js'
import { loadNative } from '../src/follow/native.js'
import type { SocketWrite } from '../src/server/node-raw-sink.js'
import type { SendMany } from '../src/server/node-send-batch.js'
import { addonSendMany } from '../src/server/node-transport.js'
import { serveNode, type NodeServer, type ServeOptions } from '../src/server/node-serve.js'
import { FakeSource } from './helpers/fake-source.js'
import {
  connectSse,
  rawRequest,
  sseLines,
  stalledClient,
  type SseConn,
} from './helpers/http-sse.js'
import { until, within } from './helpers/sse.js'
import { numbered, range } from './helpers/lines.js'

const servers: NodeServer[] = []
const conns: SseConn[] = []
const cleanups: (() => void)[] = []
afterEach(async () => {
  for (const c of conns.splice(0)) c.close()
  await Promise.all(servers.splice(0).map((s) => s.close(200)))
  for (const f of cleanups.splice(0)) f()
})

async function start(sources: FakeSource[], deps: Partial<AppDeps> = {}, opts: ServeOptions = {}) {
  const s = await serveNode({ sources, version: '9.9.9', ...deps }, { assets: false, ...opts })
  servers.push(s)
  return s
}

/** The addon's send(2), counting what the kernel took: all of a chunk, part of it, or nothing. */
const sends = { full: 0, short: 0, none: 0 }
const native = loadNative()
const addonWrite = native.binding?.writeSocket?.bind(native.binding)
const countedWrite: SocketWrite | undefined =
  addonWrite &&
  ((fd, bytes) => {
    const n = addonWrite(fd, bytes)
    if (n === bytes.byteLength) sends.full++
    else if (n > 0) sends.short++
    else sends.none++
    return n
  })
/** The addon's batched sends (node-send-batch.ts: a fan-out slice at once), counted the same. */
const addonMany = addonSendMany(2)
const countedMany: SendMany | undefined =
  addonMany &&
  ((fds, count, bytes, results) => {
    addonMany(fds, count, bytes, results)
    for (let i = 0; i < count; i++) {
      const n = results[i] as number
      if (n === bytes.byteLength) sends.full++
      else if (n > 0) sends.short++
      else sends.none++
    }
  })
type Sends = { socketWrite: SocketWrite | null; sendMany: SendMany | null }
const sinks: [string, Sends][] = [['ServerResponse', { socketWrite: null, sendMany: null }]]
if (countedWrite && countedMany)
  sinks.unshift(['send(2)', { socketWrite: countedWrite, sendMany: countedMany }])
else if (process.env.CI) {
  describe('SSE over a real socket (send(2))', () => {
    it('needs the native addon with writeSocket and sendMany in CI', () => {
      throw new Error(
        `native addon without writeSocket or sendMany: ${native.reason ?? 'an old build'}. Run npm run build:native.`
      )
    })
  })
} else
  console.warn(
    `\n*** SKIPPED the send(2) SSE suite: ${native.reason ?? 'addon without writeSocket'} ***\n`
  )

async function sse(url: string, headers?: Record<string, string>) {
  const c = await connectSse(url, headers)
  conns.push(c)
  return c
}

describe.each(sinks)('SSE over a real socket (%s)', (sink, via) => {
  const serve = (sources: FakeSource[], deps: Partial<AppDeps> = {}) => start(sources, deps, via)

  it('init is exactly the last N lines, then updates in order, ids on every event', async () => {
    const src = new FakeSource('app', { content: numbered(1, 100) })
    const s = await serve([src])
    const c = await sse(`${s.url}events?lines=25`)
    expect(c.status).toBe(200)
    expect(c.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(c.headers['cache-control']).toBe('no-cache, no-transform')
    expect(c.headers['x-accel-buffering']).toBe('no')
    await c.waitFor((x) => x.parser.events.length >= 1, 2000, 'init')
    expect(c.parser.events[0]?.event).toBe('init')
    expect(sseLines(c)).toEqual(range(76, 100))
    for (let i = 101; i <= 300; i++) {
      src.append(`line ${i}\n`)
      if (i % 7 === 0) await new Promise((r) => setImmediate(r))
    }
    await c.waitFor((x) => sseLines(x).length === 225, 3000, 'all updates')
    expect(sseLines(c)).toEqual(range(76, 300))
    for (const e of c.parser.events) expect(e.id).toMatch(/^\d+-[0-9a-f]{13}$/)
    expect(c.parser.lastId).toBe(src.position().cursor)
  })

  it('a stalled client is dropped while a fast client keeps streaming', async () => {
    const src = new FakeSource('app')
    const s = await serve([src], {
      broadcaster: { maxQueueBytes: 256 * 1024, drainTimeoutMs: 1000 },
    })
    const stalled = await stalledClient(s.port, '/events')
    cleanups.push(() => stalled.destroy())
    const fast = await sse(`${s.url}events`)
    await until(() => s.taillight.clients() === 2, 2000, 'both connected')
    const pad = 'z'.repeat(2000)
    const sentAt: number[] = []
    // About 16 MB in 80 flushes: far more than loopback socket buffers hold for a non-reader.
    for (let i = 0; i < 80; i++) {
      let chunk = ''
      for (let j = 0; j < 100; j++) chunk += `${i * 100 + j} ${pad}\n`
      sentAt.push(performance.now())
      src.append(chunk)
      await new Promise((r) => setTimeout(r, 5))
    }
    await fast.waitFor((x) => sseLines(x).length === 8000, 10_000, 'fast client got every line')
    expect(s.taillight.metrics.dropped.queue + s.taillight.metrics.dropped.drain).toBe(1)
    expect(s.taillight.clients()).toBe(1)
    // The fast client streamed while the writer was still appending: it was never held until the
    // stalled one went away. (Its latency is measured by bench/server-latency.mjs, not here.)
    const firstUpdate = fast.times[fast.parser.events.findIndex((e) => e.event === 'update')]
    expect(firstUpdate).toBeLessThan(sentAt[sentAt.length - 1] as number)
    const order = sseLines(fast).map((l) => Number(l.split(' ')[0]))
    expect(order).toEqual(Array.from({ length: 8000 }, (_, i) => i))
  })

  it('a client that stops reading, then reads again, gets every line once, in order', async () => {
    const src = new FakeSource('app')
    const s = await serve([src], {
      broadcaster: { maxQueueBytes: 64 * 1024 * 1024, drainTimeoutMs: 60_000 },
    })
    const c = await sse(`${s.url}events?lines=0`)
    await c.waitFor((x) => x.parser.events.length >= 1, 2000, 'init')
    const before = { ...sends }
    c.pause()
    const pad = 'y'.repeat(1000)
    // About 12 MB in 120 flushes: more than loopback socket buffers hold for a paused reader,
    // so sends come up short or find the buffer full and the rest queues behind them. The last
    // 40 come while that queue drains, when the kernel has room again: they must not overtake it.
    for (let i = 0; i < 120; i++) {
      if (i === 80) c.resume()
      let chunk = ''
      for (let j = 0; j < 100; j++) chunk += `${i * 100 + j} ${pad}\n`
      src.append(chunk)
      await new Promise((r) => setTimeout(r, 2))
    }
    await c.waitFor((x) => sseLines(x).length >= 12_000, 20_000, 'every line')
    const order = sseLines(c).map((l) => Number(l.split(' ')[0]))
    expect(order).toEqual(Array.from({ length: 12_000 }, (_, i) => i))
    expect(s.taillight.metrics.dropped.queue + s.taillight.metrics.dropped.drain).toBe(0)
    if (sink === 'send(2)') {
      expect(sends.full).toBeGreaterThan(before.full)
      expect(sends.short + sends.none).toBeGreaterThan(before.short + before.none)
    }
  }, 30_000)

  it('2,000 concurrent clients all receive every line, in order', async () => {
    const src = new FakeSource('app', { content: numbered(1, 5) })
    const s = await serve([src])
    const N = 2000
    const clients: SseConn[] = []
    for (let i = 0; i < N; i += 200) {
      const batch = await Promise.all(
        Array.from({ length: 200 }, () => connectSse(`${s.url}events?lines=1`, {}, 15_000))
      )
      clients.push(...batch)
      conns.push(...batch)
    }
    await until(() => clients.every((c) => c.parser.events.length >= 1), 15_000, 'every init')
    for (let i = 6; i <= 55; i++) {
      src.append(`line ${i}\n`)
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 10))
    }
    await until(
      () => clients.every((c) => sseLines(c).length === 51),
      20_000,
      'every client got every line'
    )
    for (const c of clients) expect(sseLines(c)).toEqual(range(5, 55))
    expect(src.listenerCount).toBe(1)
  }, 60_000)

  it('resumes with Last-Event-ID from the ring and after it falls out of the ring', async () => {
    const src = new FakeSource('app')
    const s = await serve([src], { broadcaster: { ringFrames: 8 } })
    const a = await sse(`${s.url}events?lines=0`)
    // One event per line (each waits for the one before), so 40 frames overflow a ring of 8
    // whatever the pacer does: the oldest cursors must resume from the file.
    for (let i = 1; i <= 40; i++) {
      src.append(`line ${i}\n`)
      await a.waitFor((x) => sseLines(x).length === i, 2000, `line ${i}`)
    }
    await a.waitFor((x) => sseLines(x).length === 40, 2000, '40 lines')
    const ids = a.parser.events.map((e) => e.id as string)
    // Lines delivered up to and including each event: appends that land in one flush share an
    // update, so this is not always the event's index.
    let seen = 0
    const upTo = a.parser.events.map((e) => (seen += e.data ? JSON.parse(e.data).lines.length : 0))
    a.close()
    for (const [k, id] of ids.entries()) {
      const done = upTo[k] as number
      const c = await sse(`${s.url}events`, { 'Last-Event-ID': id })
      await c.waitFor((x) => sseLines(x).length === 40 - done, 5000, `resume from event ${k}`)
      expect(sseLines(c)).toEqual(range(done + 1, 40))
      c.close()
    }
    expect(s.taillight.metrics.file('app').catchUps).toBeGreaterThan(0)
  })

  it('graceful close ends every stream', async () => {
    const src = new FakeSource('app')
    const s = await serve([src])
    const cs = await Promise.all([1, 2, 3].map(() => sse(`${s.url}events`)))
    await until(() => s.taillight.clients() === 3, 2000, 'connected')
    const t0 = Date.now()
    await s.close()
    await within(1000, Promise.all(cs.map((c) => c.end)), 'streams ended')
    expect(Date.now() - t0).toBeLessThan(1000)
    servers.length = 0
  })
})

describe('nothing but configured files is reachable', () => {
  it('rejects ids that look like paths and paths that try to escape', async () => {
    const src = new FakeSource('app.log', { content: 'secret-free\n' })
    const dir = mkdtempSync(join(tmpdir(), 'tl-assets-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><p>viewer</p>')
    writeFileSync(join(dir, 'app.js'), '/* js */')
    symlinkSync('/etc/passwd', join(dir, 'passwd.js'))
    const s = await start([src], {}, { assets: loadAssets(dir) })
    expect((await fetch(`${s.url}app.js`)).status).toBe(200)
    expect(await (await fetch(`${s.url}`)).text()).toContain('viewer')
    for (const file of [
      '../app.log',
      '/etc/passwd',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2fapp.log',
      'app.log/',
      './app.log',
      'APP.LOG',
      'passwd.js',
    ]) {
      for (const route of ['events', 'api/lines', 'download', 'api/search?q=x&']) {
        const sep = route.endsWith('&') ? '' : '?'
        const res = await fetch(`${s.url}${route}${sep}file=${file}`)
        expect([400, 404], `${route} ${file}`).toContain(res.status)
        const body = await res.text()
        expect(body).not.toContain('root:')
      }
    }
    for (const path of [
      '/../../etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/passwd.js',
      '/%2e%2e/passwd.js',
      '//etc/passwd',
      '/index.html/../../../etc/passwd',
    ]) {
      const out = await rawRequest(
        s.port,
        `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`
      )
      expect(out, path).toMatch(/^HTTP\/1\.1 (400|404)/)
      expect(out).not.toContain('root:')
    }
    const files = (await (await fetch(`${s.url}api/files`)).json()) as { id: string }[]
    expect(files.map((f) => f.id)).toEqual(['app.log'])
  })
})

describe('token', () => {
  it('requires the token everywhere but /health, in constant time, as header or ?token=', async () => {
    const src = new FakeSource('app', { content: 'a\n' })
    const s = await start([src], { token: 's3cret-Token' })
    const routes = [
      '',
      'log',
      'events',
      'api/files',
      'api/lines',
      'api/search?q=a',
      'download',
      'metrics',
    ]
    for (const r of routes) {
      const url = `${s.url}${r}`
      const sep = r.includes('?') ? '&' : '?'
      expect((await fetch(url)).status, `${r} no token`).toBe(401)
      expect((await fetch(`${url}${sep}token=wrong`)).status, `${r} wrong`).toBe(401)
      expect((await fetch(`${url}${sep}token=s3cret-Token-longer`)).status).toBe(401)
      expect((await fetch(url, { headers: { authorization: 'Bearer s3cret-Toke' } })).status).toBe(
        401
      )
      expect((await fetch(url, { headers: { authorization: 'Basic s3cret-Token' } })).status).toBe(
        401
      )
      if (r === 'events') continue
      expect(
        (await fetch(url, { headers: { authorization: 'Bearer s3cret-Token' } })).status,
        r
      ).toBe(200)
      if (r === '' || r === 'log') {
        // A page opened with the token is sent on without it, with a session cookie.
        const res = await fetch(`${url}${sep}token=s3cret-Token`, { redirect: 'manual' })
        expect(res.status, r).toBe(303)
        expect(res.headers.get('location')).toBe(`/${r}`)
        const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] as string
        expect((await fetch(url, { headers: { cookie } })).status, r).toBe(200)
      } else expect((await fetch(`${url}${sep}token=s3cret-Token`)).status, r).toBe(200)
    }
    const c = await sse(`${s.url}events?token=s3cret-Token`)
    expect(c.status).toBe(200)
    const h = await sse(`${s.url}events`, { authorization: 'bearer s3cret-Token' })
    expect(h.status).toBe(200)
    const health = await fetch(`${s.url}health`)
    expect(health.status).toBe(200)
    expect(((await health.json()) as { version: string }).version).toBe('9.9.9')
  })
})

describe('garbage never crashes the server', () => {
  it('answers malformed requests with 4xx and keeps serving', async () => {
    const src = new FakeSource('app', { content: numbered(1, 10) })
    const s = await start([src])
    const bad = [
      'GET /events?lines=99999999999 HTTP/1.1',
      'GET /api/lines?limit=abc HTTP/1.1',
      'GET /api/lines?before=%zz HTTP/1.1',
      'GET /api/lines?before=%E0%A4 HTTP/1.1',
      'GET /api/search?q=%ff HTTP/1.1',
      'GET /api/search?q=(a&regex=1 HTTP/1.1',
      'GET /api/search?q=x&regex=maybe HTTP/1.1',
      'GET /api/search HTTP/1.1',
      'GET /api/lines?before=nope HTTP/1.1',
      'GET /api/lines?limit=0 HTTP/1.1',
      'GET /api/lines?limit=-1 HTTP/1.1',
      'GET /api/lines?limit=1e3 HTTP/1.1',
      'GET /download?from=1-zzz HTTP/1.1',
      'GET /events?file= HTTP/1.1',
      `GET /api/search?q=${'a'.repeat(5000)} HTTP/1.1`,
      'GET /download?file=app&file=app HTTP/1.1',
      'GARBAGE',
      'GET /events?lines=-5 HTTP/1.1',
      'GET /events?lines=1.5 HTTP/1.1',
      'GET /\x01\x02 HTTP/1.1',
    ]
    for (const line of bad) {
      const out = await rawRequest(s.port, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`)
      expect(out, line).toMatch(/^HTTP\/1\.[01] (400|404|414|431)/)
    }
    expect((await fetch(`${s.url}health`)).status).toBe(200)
  })
})
