/**
 * The same SSE contract under Node, Bun and Deno: the built CLI started with each runtime
 * (`node bin/taillight.js`, `bun bin/taillight.js`, `deno run -A bin/taillight.js`), and the
 * Redis edge role under each. The core is Web-standard; these tests keep that true.
 */
import { appendFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli, type Runtime } from './helpers/cli.js'
import { connectSse, rawRequest, sseLines } from './helpers/http-sse.js'
import { RedisServer, redisAvailable } from './helpers/redis-server.js'

const range = (a: number, b: number): string[] =>
  Array.from({ length: b - a + 1 }, (_, i) => `line ${a + i}`)
const text = (lines: string[]): string => lines.map((l) => l + '\n').join('')

let dir = ''
beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'taillight-rt-'))
})
afterEach(killAll)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function logFile(lines: number): string {
  const f = join(dir, `app-${++n}.log`)
  writeFileSync(f, text(range(1, lines)))
  return f
}

const withRedis = redisAvailable()

for (const runtime of ['node', 'bun', 'deno'] as Runtime[]) {
  describe(`under ${runtime}`, () => {
    it('init is exactly the last N lines, updates follow in order, every event has an id', async () => {
      const f = logFile(30)
      const c = runCli(['--port', '0', '--lines', '5', f], {}, undefined, runtime)
      const url = await c.url
      expect(c.stdout()).toContain(`(${runtime}) listening on`)
      const s = await connectSse(`${url}events`)
      await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
      expect(s.parser.events[0]?.event).toBe('init')
      appendFileSync(f, text(range(31, 40)))
      await s.waitFor((x) => sseLines(x).length === 15, 5000, 'updates')
      expect(sseLines(s)).toEqual(range(26, 40))
      for (const e of s.parser.events) expect(e.id).toMatch(/^\d+-[0-9a-f]{14}$/)
      s.close()
    })

    it('resumes after a kill -9 restart: nothing lost, nothing twice', async () => {
      const f = logFile(10)
      const args = ['--port', '0', f]
      const a = runCli(args, {}, undefined, runtime)
      const s = await connectSse(`${await a.url}events?lines=3`)
      await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
      const last = s.parser.lastId
      a.child.kill('SIGKILL')
      await a.exit
      appendFileSync(f, text(range(11, 14)))
      const b = runCli(args, {}, undefined, runtime)
      const r = await connectSse(`${await b.url}events`, { 'last-event-id': last })
      await r.waitFor((x) => sseLines(x).length >= 4, 5000, 'the missed lines')
      expect(r.parser.events.map((e) => e.event)).not.toContain('init')
      expect(sseLines(r)).toEqual(range(11, 14))
      s.close()
      r.close()
    })

    it('reaches nothing but configured files; the token guards all but /health', async () => {
      const f = logFile(3)
      symlinkSync('/etc/passwd', join(dir, `passwd-${n}`))
      const c = runCli(['--port', '0', '--token', 's3cret', f], {}, undefined, runtime)
      const url = await c.url
      const port = Number(new URL(url).port)
      expect((await fetch(`${url}api/files`)).status).toBe(401)
      expect((await fetch(`${url}api/files?token=wrong`)).status).toBe(401)
      expect((await fetch(`${url}health`)).status).toBe(200)
      const files = (await (await fetch(`${url}api/files?token=s3cret`)).json()) as { id: string }[]
      expect(files.map((x) => x.id)).toEqual([f.split('/').at(-1)])
      for (const probe of [
        '../etc/passwd',
        '/etc/passwd',
        '%2e%2e%2fetc%2fpasswd',
        `passwd-${n}`,
      ]) {
        const res = await fetch(`${url}download?token=s3cret&file=${probe}`)
        expect(res.status, probe).toBeGreaterThanOrEqual(400)
        expect(await res.text()).not.toContain('root:')
      }
      const raw = await rawRequest(
        port,
        'GET /../../etc/passwd?token=s3cret HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
      )
      expect(raw).not.toContain('root:')
      const ok = await fetch(`${url}download?token=s3cret`, {
        headers: { authorization: 'Bearer s3cret' },
      })
      expect(await ok.text()).toBe(text(range(1, 3)))
    })

    it.skipIf(!withRedis)('serves as a Redis edge: a cursor moves between edges', async () => {
      const redis = await RedisServer.start()
      try {
        const f = logFile(5)
        const w = runCli(['--redis', redis.url, '--port', '0', f])
        await w.url
        const edgeArgs = ['--redis', redis.url, '--port', '0']
        const a = runCli(edgeArgs, {}, undefined, runtime)
        const b = runCli(edgeArgs, {}, undefined, runtime)
        const [aUrl, bUrl] = await Promise.all([a.url, b.url])
        const s = await connectSse(`${aUrl}events?lines=2`)
        await s.waitFor((x) => x.parser.events.length >= 1, 8000, 'init on edge A')
        appendFileSync(f, text(range(6, 8)))
        await s.waitFor((x) => sseLines(x).length === 5, 8000, 'updates on edge A')
        a.child.kill('SIGKILL')
        appendFileSync(f, text(range(9, 12)))
        const t = await connectSse(`${bUrl}events`, { 'last-event-id': s.parser.lastId })
        await t.waitFor((x) => sseLines(x).length >= 4, 8000, 'the rest on edge B')
        expect([...sseLines(s), ...sseLines(t)]).toEqual(range(4, 12))
        s.close()
        t.close()
      } finally {
        await killAll()
        await redis.stop()
      }
    })
  })
}
