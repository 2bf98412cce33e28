/**
 * The taillight command, as a user runs it: node bin/taillight.js (built dist/), real files,
 * real sockets, real signals.
 */
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, ROOT, runCli } from './helpers/cli.js'
import { connectSse, sseLines, type SseConn } from './helpers/http-sse.js'
import { until, within } from './helpers/sse.js'
import { waitFor } from './helpers/fs.js'
import { range } from './helpers/lines.js'

let dir: string
const conns: SseConn[] = []
beforeAll(async () => {
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'tl-cli-'))
}, 200_000)
afterEach(async () => {
  for (const c of conns.splice(0)) c.close()
  await killAll()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function logFile(lines: number): string {
  const p = join(dir, `app-${++n}.log`)
  let s = ''
  for (let i = 1; i <= lines; i++) s += `line ${i}\n`
  writeFileSync(p, s)
  return p
}
async function sse(url: string, headers?: Record<string, string>) {
  const c = await connectSse(url, headers)
  conns.push(c)
  return c
}

describe('options', () => {
  it('--help and --version exit 0', async () => {
    const h = runCli(['--help'])
    expect((await h.exit).code).toBe(0)
    expect(h.stdout()).toMatch(/^Usage: taillight \[options\] <file\.\.\.>/)
    for (const env of [
      'TAILLIGHT_PORT',
      'TAILLIGHT_HOST',
      'TAILLIGHT_LINES',
      'TAILLIGHT_TOKEN',
      'TAILLIGHT_MAX_CLIENTS',
      'TAILLIGHT_POLL',
      'TAILLIGHT_DEMO',
    ]) {
      expect(h.stdout()).toContain(env)
    }
    const v = runCli(['--version'])
    expect((await v.exit).code).toBe(0)
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    expect(v.stdout().trim()).toBe(pkg.version)
  })

  it('bad options, values and paths: one line on stderr, exit code 2', async () => {
    const f = logFile(1)
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--nope', f], {}, /nope/],
      [['--port', 'notaport', f], {}, /--port/],
      [['--port', '70000', f], {}, /--port/],
      [['--lines', '99999999999', f], {}, /--lines/],
      [['--max-clients', '0', f], {}, /--max-clients/],
      [['--token', 'has space', f], {}, /--token/],
      [['--poll=yes', f], {}, /poll/],
      [['/dev/null'], {}, /is not a regular file/],
      [[], {}, /no file/],
      [[f], { TAILLIGHT_PORT: 'abc' }, /TAILLIGHT_PORT/],
      [[f], { TAILLIGHT_POLL: 'maybe' }, /TAILLIGHT_POLL/],
    ]
    // A few at a time: a dozen Node processes starting at once on a loaded 2-core machine
    // take longer than any single start should.
    for (let i = 0; i < cases.length; i += 3) {
      await Promise.all(
        cases.slice(i, i + 3).map(async ([args, env, re]) => {
          const c = runCli(args, env)
          const { code } = await within(20_000, c.exit, `exit of ${args.join(' ')}`)
          expect(code, args.join(' ')).toBe(2)
          const err = c.stderr().trimEnd()
          expect(err.split('\n'), err).toHaveLength(1)
          expect(err).toMatch(/^taillight: /)
          expect(err).toMatch(re)
          expect(c.stdout()).toBe('')
        })
      )
    }
  }, 120_000)

  it('takes options from TAILLIGHT_* variables; flags win', async () => {
    const f = logFile(20)
    const c = runCli([f], {
      TAILLIGHT_PORT: '0',
      TAILLIGHT_LINES: '3',
      TAILLIGHT_HOST: '127.0.0.1',
    })
    const url = await c.url
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const s = await sse(`${url}events`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    expect(sseLines(s)).toEqual(range(18, 20))
    const d = runCli(['--lines', '5', '--port', '0', f], { TAILLIGHT_LINES: '3' })
    const s2 = await sse(`${await d.url}events`)
    await s2.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    expect(sseLines(s2)).toEqual(range(16, 20))
  })
})

describe('serving a file', () => {
  it('says which backend follows each file, and warns with the reason when it polls', async () => {
    const f = logFile(1)
    const c = runCli(['--port', '0', f], { TAILLIGHT_NO_NATIVE: '1' })
    await c.url
    await waitFor(() => c.stderr().includes('warning'), 'the polling warning')
    expect(c.stdout()).toMatch(/following .*\(\S+, poll\)/)
    expect(c.stderr().trim()).toBe(
      `taillight: warning: polling ${f}: no-native-addon: disabled by TAILLIGHT_NO_NATIVE`
    )
    const forced = runCli(['--port', '0', '--poll', f])
    await forced.url
    expect(forced.stdout()).toMatch(/following .*\(\S+, poll\)/)
    expect(forced.stderr()).toBe('')
  })

  it('streams new lines; token protects everything but /health', async () => {
    const f = logFile(5)
    const c = runCli(['--port', '0', '--token', 'tok', f])
    const url = await c.url
    expect((await fetch(`${url}api/files`)).status).toBe(401)
    expect((await fetch(`${url}health`)).status).toBe(200)
    const s = await sse(`${url}events?token=tok&lines=2`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    appendFileSync(f, 'line 6\nline 7\n')
    await s.waitFor((x) => sseLines(x).length === 4, 5000, 'update')
    expect(sseLines(s)).toEqual(range(4, 7))
    for (const e of s.parser.events) expect(e.id).toBeTruthy()
  })

  it('resumes from every id after a kill -9 restart, nothing lost or twice', async () => {
    const f = logFile(10)
    const first = runCli(['--port', '0', f])
    const s = await sse(`${await first.url}events?lines=2`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    for (let i = 11; i <= 15; i++) {
      appendFileSync(f, `line ${i}\n`)
      await s.waitFor((x) => sseLines(x).includes(`line ${i}`), 5000, `line ${i}`)
    }
    const ids = s.parser.events.map((e) => e.id as string)
    const seen = s.parser.events.map((e) =>
      (JSON.parse(e.data) as { lines: string[] }).lines.at(-1)
    )
    first.child.kill('SIGKILL')
    await first.exit
    appendFileSync(f, range(16, 25).join('\n') + '\n')
    const second = runCli(['--port', '0', f])
    const url = await second.url
    for (const [k, id] of ids.entries()) {
      const after = Number((seen[k] as string).split(' ')[1])
      const r = await sse(`${url}events`, { 'Last-Event-ID': id })
      await r.waitFor((x) => sseLines(x).length === 25 - after, 5000, `resume after line ${after}`)
      expect(r.parser.events.some((e) => e.event === 'init' || e.event === 'reset')).toBe(false)
      expect(sseLines(r)).toEqual(range(after + 1, 25))
    }
    appendFileSync(f, 'line 26\n')
    for (const r of conns.slice(1)) {
      await r.waitFor((x) => sseLines(x).includes('line 26'), 5000, 'live after resume')
      expect(sseLines(r).filter((l) => l === 'line 26')).toHaveLength(1)
    }
  }, 60_000)

  it('resumes across a rotation: the same lines as a client that stayed connected', async () => {
    const f = logFile(3)
    const c = runCli(['--port', '0', f])
    const url = await c.url
    const live = await sse(`${url}events?lines=0`)
    await live.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    const id = live.parser.events[0]?.id as string
    appendFileSync(f, 'line 4\nline 5\n')
    await live.waitFor((x) => sseLines(x).length === 2, 5000, 'before rotation')
    renameSync(f, `${f}.1`)
    writeFileSync(f, 'new 1\n')
    await live.waitFor((x) => x.parser.events.some((e) => e.event === 'rotate'), 8000, 'rotate')
    appendFileSync(f, 'new 2\n')
    await live.waitFor((x) => sseLines(x).includes('new 2'), 8000, 'after rotation')
    const r = await sse(`${url}events`, { 'Last-Event-ID': id })
    await r.waitFor((x) => sseLines(x).includes('new 2'), 5000, 'resumed')
    expect(sseLines(r)).toEqual(sseLines(live))
    expect(r.parser.events.map((e) => e.event)).toEqual(
      live.parser.events.slice(1).map((e) => e.event)
    )
  }, 30_000)

  it('a client whose last event was a rotate, away across another rotation, loses nothing', async () => {
    // Found by bench/soak.mjs: every rotate/truncate once carried the same id (offset 0, no
    // bytes to fingerprint), so resuming from one landed after the newest rotation instead.
    const f = logFile(2)
    const args = ['--port', '0', f]
    const a = runCli(args)
    const url = await a.url
    const s = await sse(`${url}events?lines=0`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    renameSync(f, `${f}.1`)
    writeFileSync(f, '')
    await s.waitFor((x) => x.parser.events.some((e) => e.event === 'rotate'), 8000, 'rotate')
    const id = s.parser.lastId
    s.close()
    appendFileSync(f, 'b1\nb2\nb3\n')
    await new Promise((r) => setTimeout(r, 300))
    renameSync(f, `${f}.2`)
    writeFileSync(f, 'c1\n')
    appendFileSync(f, 'c2\n')
    const r = await sse(`${url}events`, { 'Last-Event-ID': id })
    await r.waitFor((x) => sseLines(x).includes('c2'), 8000, 'resumed from the ring')
    expect(sseLines(r)).toEqual(['b1', 'b2', 'b3', 'c1', 'c2'])
    r.close()
    // After a restart the ring is gone and the id names a file that is no longer the log:
    // an honest reset, never a silent jump into the current file.
    a.child.kill('SIGKILL')
    await a.exit
    const b = runCli(args)
    const t = await sse(`${await b.url}events`, { 'Last-Event-ID': id })
    await t.waitFor((x) => x.parser.events.length >= 2, 8000, 'reset and init')
    expect(t.parser.events.map((e) => e.event).slice(0, 2)).toEqual(['reset', 'init'])
    t.close()
  }, 30_000)
})

describe('a file that does not exist yet', () => {
  it('clients get an empty init, then its lines once it appears', async () => {
    const f = join(mkdtempSync(join(tmpdir(), 'tl-late-')), 'later.log')
    const c = runCli(['--port', '0', f])
    const url = await c.url
    const s = await sse(`${url}events`)
    await s.waitFor((x) => x.parser.events.length >= 2, 5000, 'state and init')
    // A stream of a missing file says so first (README: `state`), then its empty init.
    expect(s.parser.events[0]).toMatchObject({ event: 'state' })
    expect(JSON.parse(s.parser.events[0]!.data)).toMatchObject({ state: 'missing' })
    expect(s.parser.events[1]).toMatchObject({ event: 'init' })
    expect(sseLines(s)).toEqual([])
    writeFileSync(f, 'first\nsecond\n')
    await s.waitFor((x) => sseLines(x).length === 2, 8000, 'lines of the new file')
    expect(sseLines(s)).toEqual(['first', 'second'])
    expect(s.parser.events.map((e) => e.event)).toContain('rotate')
    expect(c.stderr()).toContain('waiting for')
    s.close()
  })
})

describe('signals', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig}: streams end and the process exits 0 within a second`, async () => {
      const f = logFile(3)
      const c = runCli(['--port', '0', f])
      const url = await c.url
      const ss = await Promise.all([1, 2, 3].map(() => sse(`${url}events`)))
      await until(() => ss.every((s) => s.parser.events.length >= 1), 5000, 'connected')
      const t0 = Date.now()
      c.child.kill(sig)
      const { code } = await within(2000, c.exit, 'exit')
      expect(code).toBe(0)
      expect(Date.now() - t0).toBeLessThan(1000)
      await within(1000, Promise.all(ss.map((s) => s.end)), 'streams ended')
    })
  }
  it('SIGHUP: says so in one line and keeps serving', async () => {
    const f = logFile(3)
    const c = runCli(['--port', '0', f])
    const url = await c.url
    const s = await sse(`${url}events`)
    await until(() => s.parser.events.length >= 1, 5000, 'connected')
    c.child.kill('SIGHUP')
    await until(() => c.stderr().includes('SIGHUP'), 2000, 'the SIGHUP line')
    expect(c.stderr()).toMatch(/^taillight: SIGHUP received: nothing to reload, still running$/m)
    appendFileSync(f, 'after the hang-up\n')
    await s.waitFor((x) => sseLines(x).includes('after the hang-up'), 5000, 'a line after SIGHUP')
    expect((await fetch(`${url}health`)).status).toBe(200)
    s.close()
  })
})

describe('--demo', () => {
  it('writes a growing sample log and serves it', async () => {
    const c = runCli(['--demo', '--port', '0'])
    const url = await c.url
    const s = await sse(`${url}events?lines=20`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5000, 'init')
    expect(sseLines(s).length).toBe(20)
    await s.waitFor((x) => x.parser.events.some((e) => e.event === 'update'), 5000, 'a new line')
    const all = sseLines(s).join('\n')
    expect(all).toMatch(/INFO|WARN|ERROR|DEBUG|"level"/)
    const files = (await (await fetch(`${url}api/files`)).json()) as { path: string }[]
    expect(files[0]?.path).toMatch(/taillight-demo-.*demo\.log$/)
    c.child.kill('SIGTERM')
    expect((await c.exit).code).toBe(0)
  })
})
