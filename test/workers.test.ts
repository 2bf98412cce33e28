/**
 * @module `--workers 2` through the real CLI: a client moves between workers with its cursor
 * and gets every line once; a worker killed with -9 is replaced and its client resumes; SIGTERM
 * ends everything within a second (SIGINT takes the same path); /health and /metrics answer for every worker.
 *
 * Which worker serves a request: round-robin deals out connections, not requests, so a
 * keep-alive socket asks /health ("worker": N) and then opens its SSE stream on the same socket.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { WORKER_SEMI_SPACE_MB } from '../src/server/node-cluster.js'
import { ensureBuilt, killAll, runCli, type Cli } from './helpers/cli.js'
import { SseParser, until, within } from './helpers/sse.js'

interface Health {
  status: string
  worker: number
  clients: number
  workers: { id: number; pid: number; status: string; clients?: number }[]
}

/** One keep-alive socket: requests on it reach the same worker. */
class Pinned {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 })
  asked = false
  constructor(readonly url: string) {}

  get(path: string, headers: Record<string, string> = {}) {
    return within(
      5000,
      new Promise<{ res: import('node:http').IncomingMessage; reused: boolean }>((ok, fail) => {
        const req = request(new URL(path, this.url), { agent: this.agent, headers })
        req.on('response', (res) => ok({ res, reused: req.reusedSocket }))
        req.on('error', fail)
        req.end()
      }),
      `GET ${path}`
    )
  }

  async health(): Promise<Health> {
    const { res } = await this.get('/health')
    this.asked = true
    let body = ''
    for await (const chunk of res) body += String(chunk)
    return JSON.parse(body) as Health
  }

  /** The SSE stream on this socket, after /health said which worker holds it. */
  async events(lastId?: string): Promise<Stream> {
    const { res, reused } = await this.get('/events', {
      accept: 'text/event-stream',
      ...(lastId ? { 'last-event-id': lastId } : {}),
    })
    if (this.asked) expect(reused).toBe(true)
    const s: Stream = { parser: new SseParser(), ended: false, close: () => res.destroy() }
    res.on('data', (c: Buffer) => s.parser.feed(c))
    res.on('close', () => (s.ended = true))
    return s
  }

  close() {
    this.agent.destroy()
  }
}

interface Stream {
  parser: SseParser
  ended: boolean
  close(): void
}

const lines = (s: Stream) =>
  s.parser.events
    .filter((e) => e.event === 'init' || e.event === 'update')
    .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)

let dir = ''
const pins: Pinned[] = []
const pin = (url: string) => {
  const p = new Pinned(url)
  pins.push(p)
  return p
}
/** A socket held by `worker` (or by any other worker than `not`): new sockets until one is. */
async function pinTo(url: string, want: (h: Health) => boolean): Promise<[Pinned, Health]> {
  for (let i = 0; i < 20; i++) {
    const p = pin(url)
    const h = await p.health()
    if (want(h)) return [p, h]
    p.close()
  }
  throw new Error('20 connections in a row reached the same worker')
}

let workerPids: number[] = []
async function start(args: string[]): Promise<{ c: Cli; url: string; file: string }> {
  const file = join(dir, `w${Math.random().toString(36).slice(2)}.log`)
  writeFileSync(file, 'start\n')
  const c = runCli(['--workers', '2', '--port', '0', '--lines', '0', ...args, file])
  const url = await c.url
  await until(() => c.stdout().includes('serving with 2 workers'), 5000, 'the workers line')
  workerPids = [...c.stdout().matchAll(/pids (\d+), (\d+)/g)].flatMap((m) => [+m[1]!, +m[2]!])
  return { c, url, file }
}

beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'tl-workers-'))
}, 180_000)
afterEach(async () => {
  for (const p of pins.splice(0)) p.close()
  await killAll()
  // The workers leave when the primary's IPC channel closes; make sure of it.
  for (const pid of workerPids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const write = (file: string, from: number, to: number) => {
  for (let i = from; i < to; i++) appendFileSync(file, `line ${i}\n`)
}
const expected = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`)

describe('--workers 2', () => {
  it.runIf(process.platform === 'linux')(
    'each worker runs with the small young generation (what keeps 20,000 clients in 400 MB)',
    async () => {
      await start([])
      expect(workerPids).toHaveLength(2)
      for (const pid of workerPids) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
        expect(cmdline).toContain(`--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`)
      }
    }
  )

  it('a client moves to the other worker with its cursor: every line once, in order', async () => {
    const { url, file } = await start([])
    const [a, ha] = await pinTo(url, () => true)
    const first = await a.events()
    await until(() => first.parser.events.length >= 1, 5000, 'init on worker A')
    write(file, 0, 50)
    await until(() => lines(first).length >= 50, 5000, 'the first 50 lines on worker A')
    const cursor = first.parser.lastId
    first.close()
    write(file, 50, 100) // written while the client is away
    const [b, hb] = await pinTo(url, (h) => h.worker !== ha.worker)
    expect(hb.worker).not.toBe(ha.worker)
    const second = await b.events(cursor)
    await until(() => lines(second).length >= 50, 5000, 'the missed lines on worker B')
    write(file, 100, 150)
    await until(() => lines(second).length >= 100, 5000, 'new lines on worker B')
    expect(second.parser.events.some((e) => e.event === 'reset')).toBe(false)
    expect([...lines(first), ...lines(second)]).toEqual(expected(150))
  }, 30_000)

  it('a worker killed with -9 is replaced and its client resumes on a live one', async () => {
    const { c, url, file } = await start([])
    const [a, ha] = await pinTo(url, () => true)
    const s = await a.events()
    await until(() => s.parser.events.length >= 1, 5000, 'init')
    write(file, 0, 30)
    await until(() => lines(s).length >= 30, 5000, '30 lines')
    const victim = ha.workers.find((w) => w.id === ha.worker)!
    process.kill(victim.pid, 'SIGKILL')
    await until(() => s.ended, 5000, 'the stream to end with its worker')
    write(file, 30, 60)
    // As EventSource does: reconnect (to whichever worker answers) with the last id.
    const again = await pin(url).events(s.parser.lastId)
    write(file, 60, 90)
    await until(() => lines(again).length >= 60, 5000, 'the resumed lines')
    expect([...lines(s), ...lines(again)]).toEqual(expected(90))
    await until(
      () =>
        new RegExp(`worker ${victim.id} \\(pid ${victim.pid}\\) was killed by SIGKILL`).test(
          c.stderr()
        ),
      5000,
      'the replacement line'
    )
    await until(() => c.stderr().includes(`worker ${victim.id} is back`), 10_000, 'the replacement')
    const [, back] = await pinTo(url, (h) => h.worker === victim.id)
    const replaced = back.workers.find((w) => w.id === victim.id)!
    expect(replaced.pid).not.toBe(victim.pid)
    expect(back.status).toBe('ok')
    // Every worker at once (--port 0): the replacements come back on the same port.
    const before = (c.stderr().match(/ is back /g) ?? []).length
    for (const w of back.workers) process.kill(w.pid, 'SIGKILL')
    await until(
      () => (c.stderr().match(/ is back /g) ?? []).length === before + 2,
      10_000,
      'both replaced'
    )
    const [, again2] = await pinTo(url, () => true)
    expect(again2.workers.map((w) => w.status)).toEqual(['ok', 'ok'])
    workerPids.push(...again2.workers.map((w) => w.pid))
  }, 40_000)

  it('/health and /metrics add up every worker, name a stuck one; --max-clients is the total; SIGHUP reaches all', async () => {
    const { c, url } = await start(['--max-clients', '2'])
    const [a, ha] = await pinTo(url, () => true)
    const [b] = await pinTo(url, (h) => h.worker !== ha.worker)
    const sa = await a.events()
    const sb = await b.events()
    await until(() => sa.parser.events.length + sb.parser.events.length >= 2, 5000, 'both')
    const h = (await (await fetch(`${url}health`)).json()) as Health
    expect(h.status).toBe('ok')
    expect(h.clients).toBe(2)
    expect(h.workers.map((w) => [w.id, w.clients])).toEqual([
      [1, 1],
      [2, 1],
    ])
    expect([1, 2]).toContain(h.worker)
    const text = await (await fetch(`${url}metrics`)).text()
    expect(text).toMatch(/^taillight_clients\{worker="1",file="[^"]+"\} 1$/m)
    expect(text).toMatch(/^taillight_clients\{worker="2",file="[^"]+"\} 1$/m)
    expect(text.match(/^# TYPE taillight_clients gauge$/gm)).toHaveLength(1)
    expect(text).toMatch(/^taillight_workers_unresponsive 0$/m)
    // Each worker holds its share (1 of 2), whichever one the next client reaches.
    const { res } = await pin(url).get('/events')
    expect(res.statusCode).toBe(503)
    res.resume()
    // A stuck worker costs one short wait, not a hung /health: it is named, the whole degraded.
    const [self] = await pinTo(url, (x) => x.worker === ha.worker)
    const stuck = h.workers.find((w) => w.id !== ha.worker)!
    process.kill(stuck.pid, 'SIGSTOP')
    try {
      const slow = await self.health()
      expect(slow.status).toBe('degraded')
      expect(slow.workers.find((w) => w.id === stuck.id)).toEqual({
        id: stuck.id,
        pid: stuck.pid,
        status: 'unresponsive',
      })
    } finally {
      process.kill(stuck.pid, 'SIGCONT')
    }
    c.child.kill('SIGHUP')
    await until(
      () => (c.stderr().match(/SIGHUP received: nothing to reload/g) ?? []).length === 2,
      5000,
      'both workers saying so'
    )
  }, 30_000)

  it("SIGTERM to the primary ends every worker's streams and exits 0 within a second", async () => {
    const { c, url } = await start([])
    const [a, ha] = await pinTo(url, () => true)
    const [b] = await pinTo(url, (h) => h.worker !== ha.worker)
    const ss = [await a.events(), await b.events()]
    await until(() => ss.every((s) => s.parser.events.length >= 1), 5000, 'connected')
    const t0 = Date.now()
    c.child.kill('SIGTERM')
    const { code } = await within(2000, c.exit, 'exit')
    expect(code).toBe(0)
    expect(Date.now() - t0).toBeLessThan(1000)
    await until(() => ss.every((s) => s.ended), 1000, 'streams ended')
    const gone = (pid: number) => {
      try {
        process.kill(pid, 0)
        return false
      } catch {
        return true
      }
    }
    await until(() => workerPids.every(gone), 1000, 'every worker gone')
  }, 30_000)

  it('a worker that cannot start fails the command (a taken port)', async () => {
    const { url } = await start([])
    const port = new URL(url).port
    const d = runCli(['--workers', '2', '--port', port, join(dir, 'x.log')])
    const { code } = await within(10_000, d.exit, 'exit')
    expect(code).toBe(1)
    expect(d.stderr()).toMatch(/EADDRINUSE/)
  }, 30_000)
})
