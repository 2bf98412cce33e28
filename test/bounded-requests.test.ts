/**
 * Issue 10, bounded requests: clients that send a heavy request and never read cost the server
 * a page each, /health and live streams stay fast meanwhile, the read pool answers 503 busy
 * when full, and a body nobody drains is cut off.
 */
import { randomBytes } from 'node:crypto'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFileSource } from '../src/follow/file-source.js'
import { createApp, type AppDeps } from '../src/server/app.js'
import { serveNode, type NodeServer } from '../src/server/node-serve.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { sleep, useTempDir } from './helpers/fs.js'
import { connectSse, sseLines } from './helpers/http-sse.js'

const CLIENTS = 60

/** A socket that sends one GET and never reads a byte of the answer. */
function neverReader(port: number, path: string, extra = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.pause()
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`)
      resolve(s)
    })
    s.on('error', reject)
  })
}

/** Latency of one /health on a fresh connection, in ms; fails after 5 s. */
function health(port: number): Promise<number> {
  const t0 = performance.now()
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', path: '/health', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(performance.now() - t0))
    })
    req.setTimeout(5000, () => req.destroy(new Error('/health took over 5 s')))
    req.on('error', reject)
    req.end()
  })
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!m) throw new Error(`no VmRSS for ${pid}`)
  return Number(m[1]) / 1024
}

/** A file of `n` lines of about `bytes` bytes, each with the word "match". */
function bigFile(path: string, n: number, bytes: number): string[] {
  const pad = 'x'.repeat(bytes - 20)
  const lines = Array.from({ length: n }, (_, i) => `${String(i).padStart(6, '0')} match ${pad}`)
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''))
  return lines
}

describe('never-reading clients against the CLI', () => {
  const tmp = useTempDir()
  beforeAll(async () => {
    await ensureBuilt()
  }, 200_000)
  afterEach(async () => {
    await killAll()
  })

  it('60 per heavy route: RSS bounded, /health fast, live lines still flow', async () => {
    const file = join(tmp.dir, 'big.log')
    bigFile(file, 3000, 5000)
    const figures: string[] = []
    const routes: [string, string, string?][] = [
      ['lines', '/api/lines?limit=10000'],
      ['search', '/api/search?q=match&limit=1000'],
      ['download', '/download'],
      ['download gzip', '/download', 'Accept-Encoding: gzip\r\n'],
    ]
    let n = 0
    // A fresh server per route: the heap one route grew is not given back to the OS at once,
    // so in a shared process the next route would be charged for the last one's garbage.
    for (const [name, path, extra] of routes) {
      const cli = runCli(['--port', '0', file])
      const url = new URL(await cli.url)
      const port = Number(url.port)
      const pid = cli.child.pid as number
      for (let i = 0; i < 5; i++) await health(port)
      const baseline = rssMiB(pid)
      const sse = await connectSse(new URL('/events', url).href)
      const sockets = await Promise.all(
        Array.from({ length: CLIENTS }, () => neverReader(port, path, extra))
      )
      let peak = 0
      let slowest = 0
      for (let i = 0; i < 15; i++) {
        slowest = Math.max(slowest, await health(port))
        peak = Math.max(peak, rssMiB(pid))
        await sleep(100)
      }
      const live = `live ${++n} while ${name} hangs`
      appendFileSync(file, `${live}\n`)
      await sse.waitFor((c) => sseLines(c).includes(live), 5000, `SSE line during ${name}`)
      figures.push(
        `${name}: RSS ${baseline.toFixed(0)} MiB +${(peak - baseline).toFixed(0)} MiB, /health max ${slowest.toFixed(0)} ms`
      )
      // Search reads the file in 4 MiB regions (grep speed needs big reads); each one is garbage
      // once its page of matches is made, but the peak RSS catches some before they are freed.
      // What a stalled search response keeps is its page (at most 256 KiB of match text).
      expect(peak - baseline, name).toBeLessThan(name === 'search' ? 200 : 150)
      expect(slowest, name).toBeLessThan(1000)
      for (const s of sockets) s.destroy()
      sse.close()
      await killAll()
    }
    console.log(figures.join('; '))
  }, 120_000)
})

describe('the read pool', () => {
  it('answers 503 busy with Retry-After when its queue is full or the wait too long', async () => {
    const src = new FakeSource('app', { content: 'a\nb\nc\n', readDelayMs: 300 })
    const t = createApp({ sources: [src], version: 't', reads: { size: 1, queue: 0 } })
    try {
      const first = t.app.request('/api/lines')
      await sleep(20)
      const busy = await t.app.request('/api/search?q=a')
      expect(busy.status).toBe(503)
      expect(busy.headers.get('retry-after')).toBe('1')
      expect(await busy.json()).toEqual({
        error: { code: 'busy', message: 'too many history reads at once; retry shortly' },
      })
      expect((await (await first).json()) as { lines: string[] }).toMatchObject({
        lines: ['a', 'b', 'c'],
      })
    } finally {
      t.close()
    }
    const t2 = createApp({ sources: [src], version: 't', reads: { size: 1, waitMs: 50 } })
    try {
      const first = t2.app.request('/download')
      await sleep(20)
      const waited = performance.now()
      expect((await t2.app.request('/api/lines')).status).toBe(503)
      expect(performance.now() - waited).toBeGreaterThanOrEqual(40)
      expect(await (await first).text()).toBe('a\nb\nc\n')
    } finally {
      t2.close()
    }
  })

  it('a waiting request gets the slot when it frees', async () => {
    const src = new FakeSource('app', { content: 'a\nb\n', readDelayMs: 100 })
    const t = createApp({ sources: [src], version: 't', reads: { size: 1, queue: 4 } })
    try {
      const all = await Promise.all([1, 2, 3].map(() => t.app.request('/api/lines')))
      expect(all.map((r) => r.status)).toEqual([200, 200, 200])
      for (const r of all)
        expect(((await r.json()) as { lines: string[] }).lines).toEqual(['a', 'b'])
    } finally {
      t.close()
    }
  })
})

describe('/api/search, streamed', () => {
  /** 3,000 lines (6 pages of the scan), every `every`th a hit; the hits newest first. */
  const file = (every: number) => {
    const lines = Array.from({ length: 3000 }, (_, i) => `${i % every === 3 ? 'hit' : 'row'} ${i}`)
    const hits = lines.filter((l) => l.startsWith('hit')).reverse()
    return { src: new FakeSource('app', { content: lines.map((l) => `${l}\n`).join('') }), hits }
  }
  type Page = { matches: { line: string }[]; next: string | null; reason: string; done: boolean }

  it('the time budget counts scanning, not the time the client takes to read', async () => {
    const { src, hits } = file(100)
    const t = createApp({ sources: [src], version: 't', search: { ms: 1000, bytes: 1 << 26 } })
    try {
      const res = await t.app.request('/api/search?q=hit&limit=1000')
      const reader = (res.body as ReadableStream<Uint8Array>).getReader()
      let text = ''
      const first = await reader.read()
      text += new TextDecoder().decode(first.value)
      await sleep(1500)
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        text += new TextDecoder().decode(r.value)
      }
      const body = JSON.parse(text) as Page
      expect(body.reason).toBe('start')
      expect(body.matches.map((m) => m.line)).toEqual(hits)
    } finally {
      t.close()
    }
  })

  it('a request out of time says where to go on; the pages add up to every match', async () => {
    const { src, hits } = file(10)
    const t = createApp({ sources: [src], version: 't', search: { ms: 0, bytes: 1 << 26 } })
    try {
      const got: string[] = []
      let next: string | null = null
      let requests = 0
      const reasons = new Set<string>()
      do {
        const res = await t.app.request(`/api/search?q=hit${next ? `&before=${next}` : ''}`)
        const page = (await res.json()) as Page
        got.push(...page.matches.map((m) => m.line))
        reasons.add(page.reason)
        next = page.next
        expect(page.done).toBe(next === null)
      } while (next !== null && ++requests < 50)
      expect(got).toEqual(hits)
      expect(reasons.has('time')).toBe(true)
      expect(requests).toBeGreaterThan(1)
    } finally {
      t.close()
    }
  })
})

describe('stalled bodies over real sockets', () => {
  const tmp = useTempDir()
  async function serve(file: string, deps: Partial<AppDeps>): Promise<NodeServer> {
    const src = tmp.track(await createFileSource('big', file))
    const s = await serveNode({ sources: [src], version: 't', ...deps }, { assets: false })
    tmp.track(s)
    return s
  }

  it('never-reading clients hold no slot: others still get answers', async () => {
    const file = join(tmp.dir, 'big.log')
    const lines = bigFile(file, 3000, 5000)
    const s = await serve(file, { reads: { size: 1, queue: 8, waitMs: 3000 } })
    const stalled = await Promise.all([
      neverReader(s.port, '/api/lines?limit=10000'),
      neverReader(s.port, '/api/lines?limit=10000'),
      neverReader(s.port, '/api/search?q=match&limit=1000'),
      neverReader(s.port, '/download'),
    ])
    await sleep(500)
    const res = await fetch(new URL('/api/lines?limit=3', s.url))
    expect(res.status).toBe(200)
    expect(((await res.json()) as { lines: string[] }).lines).toEqual(lines.slice(-3))
    for (const c of stalled) c.destroy()
  })

  it('a body not drained for undrainedMs is dropped with its connection', async () => {
    // Random bytes, so that gzip too outgrows the socket buffers of a client that never reads.
    const file = join(tmp.dir, 'noise.log')
    const size = 24 * 1024 * 1024
    writeFileSync(
      file,
      randomBytes(size / 2)
        .toString('hex')
        .replace(/(.{999})./g, '$1\n')
    )
    const s = await serve(file, { undrainedMs: 300 })
    const connections = () => new Promise<number>((r) => s.server.getConnections((_, n) => r(n)))
    const stalled = await Promise.all([
      neverReader(s.port, '/download'),
      neverReader(s.port, '/download', 'Accept-Encoding: gzip\r\n'),
    ])
    await sleep(100)
    expect(await connections()).toBe(2)
    let open = 2
    const deadline = Date.now() + 5000
    while (open > 0 && Date.now() < deadline) {
      open = await connections()
      await sleep(50)
    }
    expect(open).toBe(0)
    // The client that comes back finds a cut body and a closed connection, not a hang.
    const first = stalled[0] as Socket
    let got = 0
    first.on('data', (d: Buffer) => (got += d.length))
    const ended = new Promise<void>((r) => first.once('close', () => r()))
    first.resume()
    await ended
    expect(got).toBeGreaterThan(0)
    expect(got).toBeLessThan(size)
  })

  it('HEAD /download gives Content-Length when not gzip', async () => {
    const file = join(tmp.dir, 'small.log')
    writeFileSync(file, 'one\ntwo\n')
    const s = await serve(file, {})
    // fetch asks for gzip unless told otherwise.
    const head = await fetch(new URL('/download', s.url), {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('8')
    const gz = await fetch(new URL('/download', s.url), {
      method: 'HEAD',
      headers: { 'accept-encoding': 'gzip' },
    })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gz.headers.get('content-length')).toBeNull()
  })
})
