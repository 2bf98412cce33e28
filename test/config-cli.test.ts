/**
 * The config file, patterns and directories through the command (built dist/, real files,
 * real sockets, real signals): --check-config, a file that starts matching later, a
 * directory argument, the --max-files message, and SIGHUP reloads with `gone` for the
 * clients of a removed file.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { connectSse, sseLines, type SseConn } from './helpers/http-sse.js'
import { until, within } from './helpers/sse.js'

let root: string
const conns: SseConn[] = []
beforeAll(async () => {
  await ensureBuilt()
  root = mkdtempSync(join(tmpdir(), 'tl-config-cli-'))
}, 200_000)
afterEach(async () => {
  for (const c of conns.splice(0)) c.close()
  await killAll()
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

let n = 0
/** A fresh directory for one test. */
function place(): string {
  const d = join(root, `t${++n}`)
  mkdirSync(d)
  return d
}
const ids = async (url: string) =>
  ((await (await fetch(`${url}api/files`)).json()) as { id: string }[]).map((f) => f.id)
async function sse(url: string) {
  const c = await connectSse(url)
  conns.push(c)
  return c
}

describe('--check-config', () => {
  it('exits 0 with a one-line summary, or 2 naming file, line and key', async () => {
    const d = place()
    const good = join(d, 'good.yml')
    writeFileSync(good, `port: 0\nfiles:\n  - ${d}/*.log\n  - ${d}/app.log\n`)
    const ok = runCli(['--check-config', good])
    expect((await within(10_000, ok.exit, 'exit')).code).toBe(0)
    expect(ok.stdout()).toBe(`taillight: ${good} is valid: 2 file entries (1 pattern), port 0\n`)
    const bad = join(d, 'bad.yml')
    writeFileSync(bad, 'files:\n  - a.log\n  - path: b.log\n    groups: ops\n')
    const no = runCli(['--check-config', bad])
    expect((await within(10_000, no.exit, 'exit')).code).toBe(2)
    expect(no.stderr()).toBe(`taillight: ${bad}:4: files[1].groups must be a list of strings\n`)
    expect(no.stdout()).toBe('')
  })
})

describe('patterns and directories', () => {
  it('a file that starts matching later appears within a second or two and streams', async () => {
    const d = place()
    writeFileSync(join(d, 'first.log'), 'one\n')
    const c = runCli(['--port', '0', join(d, '*.log')])
    const url = await c.url
    expect(await ids(url)).toEqual(['first.log'])
    writeFileSync(join(d, 'later.log'), 'hello\n')
    writeFileSync(join(d, 'later.log.1'), 'rotated\n') // a rotated sibling is left out
    await until(() => c.stderr().includes('following'), 5_000, 'the new file')
    let seen: string[] = []
    for (let i = 0; i < 50 && !seen.includes('later.log'); i++) {
      seen = await ids(url)
      if (!seen.includes('later.log')) await new Promise((r) => setTimeout(r, 100))
    }
    expect(seen).toEqual(['first.log', 'later.log'])
    const s = await sse(`${url}events?file=later.log`)
    await s.waitFor((x) => sseLines(x).includes('hello'), 5_000, 'init')
    appendFileSync(join(d, 'later.log'), 'streamed\n')
    await s.waitFor((x) => sseLines(x).includes('streamed'), 5_000, 'a live line')
  })

  it('a file that goes away is closed after its grace; its client gets gone', async () => {
    const d = place()
    writeFileSync(join(d, 'a.log'), 'a\n')
    writeFileSync(join(d, 'b.log'), 'b\n')
    const c = runCli(['--port', '0', d])
    const url = await c.url
    expect(await ids(url)).toEqual(['a.log', 'b.log'])
    const s = await sse(`${url}events?file=a.log`)
    await s.waitFor((x) => x.parser.events.length >= 1, 5_000, 'init')
    rmSync(join(d, 'a.log'))
    await within(12_000, s.end, 'the stream ends after the grace')
    const gone = s.parser.events.at(-1)
    expect(gone?.event).toBe('gone')
    expect(JSON.parse(gone?.data ?? '')).toEqual({ file: 'a.log', reason: 'deleted' })
    expect(await ids(url)).toEqual(['b.log'])
    expect((await fetch(`${url}api/lines?file=a.log`)).status).toBe(404)
    expect(c.stderr()).toContain(`no longer following ${join(d, 'a.log')} (a.log): deleted`)
  }, 20_000)

  it('--max-files: the rest is not followed, with one clear message', async () => {
    const d = place()
    for (const f of ['a', 'b', 'c', 'd']) writeFileSync(join(d, `${f}.log`), `${f}\n`)
    const c = runCli(['--port', '0', '--max-files', '2', join(d, '*.log')])
    const url = await c.url
    expect(await ids(url)).toEqual(['a.log', 'b.log'])
    await new Promise((r) => setTimeout(r, 1_500)) // a re-scan or two
    const said = c.stderr().match(/more than 2 files match/g) ?? []
    expect(said).toHaveLength(1)
    expect(c.stderr()).toContain('the rest are not followed (raise --max-files)')
  })
})

describe('SIGHUP with a config file', () => {
  it('adds and removes files, says so in one line; the removed file’s client gets gone', async () => {
    const d = place()
    for (const f of ['keep', 'drop', 'new']) writeFileSync(join(d, `${f}.log`), `${f} 1\n`)
    const config = join(d, 'taillight.yml')
    writeFileSync(config, `port: 0\nfiles:\n  - ${d}/keep.log\n  - ${d}/drop.log\n`)
    const c = runCli(['--config', config])
    const url = await c.url
    expect(await ids(url)).toEqual(['keep.log', 'drop.log'])
    const dropped = await sse(`${url}events?file=drop.log`)
    const kept = await sse(`${url}events?file=keep.log`)
    await until(
      () => dropped.parser.events.length >= 1 && kept.parser.events.length >= 1,
      5_000,
      'both connected'
    )
    writeFileSync(config, `port: 0\nfiles:\n  - ${d}/keep.log\n  - path: ${d}/new.log\n`)
    c.child.kill('SIGHUP')
    await until(() => c.stderr().includes('reloaded'), 5_000, 'the reload line')
    expect(c.stderr()).toMatch(
      new RegExp(`^taillight: reloaded ${config}: 2 files \\(\\+1, -1\\)$`, 'm')
    )
    await within(3_000, dropped.end, 'the removed file’s stream ends')
    const last = dropped.parser.events.at(-1)
    expect(last?.event).toBe('gone')
    expect(JSON.parse(last?.data ?? '')).toEqual({ file: 'drop.log', reason: 'removed' })
    expect(await ids(url)).toEqual(['keep.log', 'new.log'])
    expect(kept.ended).toBe(false)
    appendFileSync(join(d, 'keep.log'), 'still here\n')
    await kept.waitFor((x) => sseLines(x).includes('still here'), 5_000, 'the kept file streams')

    // A broken config on reload keeps what runs.
    writeFileSync(config, 'files:\n  - path: x\n    groups: nope\n')
    c.child.kill('SIGHUP')
    await until(() => c.stderr().includes('failed'), 5_000, 'the failure line')
    expect(c.stderr()).toContain(`${config}:3: files[0].groups must be a list of strings`)
    expect(await ids(url)).toEqual(['keep.log', 'new.log'])
  }, 30_000)
})
