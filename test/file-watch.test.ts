/**
 * Patterns, directories and the followed set over time, with a fake opener and a fake clock:
 * what is named, what appears, what goes after its grace, the cap, and reloads.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expand, isRotated, patternProblem, specFor } from '../src/config/file-set.js'
import { FileWatch, type GoneReason } from '../src/config/file-watch.js'
import type { FileSpec } from '../src/config/schema.js'
import { useTempDir } from './helpers/fs.js'

const tmp = useTempDir()
const touch = (...parts: string[]) => writeFileSync(join(tmp.dir, ...parts), 'x\n')

describe('what entries name', () => {
  it('rotated siblings are recognised; current files are not', () => {
    for (const n of ['app.log.1', 'app.log.2.gz', 'app.log-20261130', 'app.log-20261130.gz']) {
      expect(isRotated(n), n).toBe(true)
    }
    for (const n of ['x.zst', 'x.old', 'app.log.2026-11-30', 'app.log.bak']) {
      expect(isRotated(n), n).toBe(true)
    }
    for (const n of ['app.log', 'syslog', 'app-2026-11-30.log', 'access_log', 'v1.2.log']) {
      expect(isRotated(n), n).toBe(false)
    }
  })

  it('a directory is its regular files, not recursive, without rotated siblings', async () => {
    mkdirSync(join(tmp.dir, 'logs', 'sub'), { recursive: true })
    for (const n of ['b.log', 'a.log', 'a.log.1', 'a.log.2.gz', '.hidden']) touch('logs', n)
    touch('logs', 'sub', 'deep.log')
    const { named } = await expand([{ path: join(tmp.dir, 'logs') }], 10)
    expect(named.map((n) => n.path)).toEqual(
      ['.hidden', 'a.log', 'b.log'].map((n) => join(tmp.dir, 'logs', n))
    )
    expect(named.every((n) => n.pattern)).toBe(true)
  })

  it('a pattern matches one level per segment; a plain path is named even while missing', async () => {
    for (const d of ['one', 'two', 'three']) mkdirSync(join(tmp.dir, d))
    touch('one', 'x.log')
    touch('two', 'x.log')
    touch('two', 'x.log.1')
    touch('three', 'y.txt')
    const specs: FileSpec[] = [
      { path: join(tmp.dir, 't[wh]*', '*.log') },
      { path: join(tmp.dir, 'o?e', 'x.log') },
      { path: join(tmp.dir, 'later.log') },
      { path: join(tmp.dir, 'one', 'x.log') }, // already named by the entry above
    ]
    const { named, more } = await expand(specs, 10)
    expect(named.map((n) => [n.path.slice(tmp.dir.length), n.pattern])).toEqual([
      ['/two/x.log', true],
      ['/one/x.log', true],
      ['/later.log', false],
    ])
    expect(more).toBe(false)
    expect((await expand(specs, 2)).more).toBe(true)
  })

  it('the entry for a path served from elsewhere (a Redis edge) is found without the disk', () => {
    const specs: FileSpec[] = [
      { path: '/var/log/nginx/*.log', groups: ['web'] },
      { path: '/var/log/postgresql', groups: ['dba'] },
      { path: '/var/log/syslog', groups: ['ops'] },
      { path: '/var/log/*', groups: ['all'] },
    ]
    const groups = (p: string) => specFor(p, specs)?.groups
    expect(groups('/var/log/nginx/access.log')).toEqual(['web'])
    expect(groups('/var/log/postgresql/main.log')).toEqual(['dba'])
    expect(groups('/var/log/syslog')).toEqual(['ops'])
    expect(groups('/var/log/kern.log')).toEqual(['all'])
    expect(groups('/var/log/postgresql/old/main.log')).toBeUndefined()
    expect(groups('/var/log/nginx/access.log.1')).toBeUndefined() // rotated
    expect(groups('/srv/app.log')).toBeUndefined()
  })

  it('malformed patterns are reported', () => {
    expect(patternProblem('/var/log/[ab.log')).toMatch(/unclosed/)
    expect(patternProblem('/var/**/x')).toMatch(/\*\*/)
    expect(patternProblem('/var/log/*.log')).toBeUndefined()
    expect(patternProblem('/var/log/plain.log')).toBeUndefined()
  })
})

/** A FileWatch whose files are names in a log, on a clock the test moves. */
function watch(specs: FileSpec[], maxFiles = 10) {
  const events: string[] = []
  const logs: string[] = []
  let t = 1_000_000
  const w = new FileWatch<string>(specs, {
    maxFiles,
    graceMs: 5_000,
    now: () => t,
    log: (l) => logs.push(l),
    open: async (id, path) => {
      events.push(`open ${id}`)
      return path
    },
    close: async (id, _h, reason: GoneReason) => void events.push(`close ${id} ${reason}`),
    update: (id, spec) => void events.push(`update ${id} ${spec.groups?.join(',')}`),
  })
  return { w, events, logs, advance: (ms: number) => (t += ms) }
}

describe('the followed set over time', () => {
  it('a file that starts matching is opened; one that goes is closed after its grace', async () => {
    const { w, events, advance } = watch([{ path: join(tmp.dir, '*.log') }])
    touch('a.log')
    await w.scan()
    touch('b.log')
    await w.scan()
    expect(events).toEqual(['open a.log', 'open b.log'])
    rmSync(join(tmp.dir, 'a.log'))
    await w.scan()
    advance(4_000)
    await w.scan()
    expect(events).toHaveLength(2) // within the grace: a rotation may bring it back
    advance(1_500)
    await w.scan()
    expect(events.slice(2)).toEqual(['close a.log deleted'])
    expect(w.list().map((f) => f.id)).toEqual(['b.log'])
  })

  it('a file back within the grace keeps its id; ids are unique across directories', async () => {
    mkdirSync(join(tmp.dir, 'x'))
    mkdirSync(join(tmp.dir, 'y'))
    touch('x', 'app.log')
    touch('y', 'app.log')
    const { w, events, advance } = watch([{ path: join(tmp.dir, '*', 'app.log') }])
    await w.scan()
    expect(w.list().map((f) => f.id)).toEqual(['app.log', 'app.log-2'])
    rmSync(join(tmp.dir, 'x', 'app.log'))
    await w.scan()
    advance(3_000)
    touch('x', 'app.log')
    await w.scan()
    advance(10_000)
    await w.scan()
    expect(events).toEqual(['open app.log', 'open app.log-2'])
  })

  it('beyond maxFiles the rest is not followed, with one message; followed files keep their place', async () => {
    for (const n of ['c', 'd', 'e']) touch(`${n}.log`)
    const { w, events, logs } = watch([{ path: join(tmp.dir, '*.log') }], 2)
    await w.scan()
    touch('a.log') // sorts first, but must not push out what is followed
    await w.scan()
    await w.scan()
    expect(events).toEqual(['open c.log', 'open d.log'])
    expect(logs).toEqual([
      'more than 2 files match; following 2, the rest are not followed (raise --max-files)',
    ])
  })

  it('a reload closes files no entry names at once, opens new ones and applies new groups', async () => {
    touch('a.log')
    touch('b.log')
    const a = join(tmp.dir, 'a.log')
    const b = join(tmp.dir, 'b.log')
    const { w, events } = watch([{ path: a }, { path: b, groups: ['ops'] }])
    await w.scan()
    const r = await w.reload([{ path: b, groups: ['dev'] }, { path: join(tmp.dir, 'c*.log') }])
    expect(r).toEqual({ added: 0, removed: 1 })
    touch('c1.log')
    expect(
      await w.reload([{ path: b, groups: ['dev'] }, { path: join(tmp.dir, 'c*.log') }])
    ).toEqual({ added: 1, removed: 0 })
    expect(events).toEqual([
      'open a.log',
      'open b.log',
      'close a.log removed',
      'update b.log dev',
      'open c1.log',
    ])
  })

  it('a file that cannot be opened is said once and tried again next scan', async () => {
    touch('a.log')
    const logs: string[] = []
    let fail = true
    const w = new FileWatch<string>([{ path: join(tmp.dir, '*.log') }], {
      maxFiles: 10,
      log: (l) => logs.push(l),
      open: async (_id, path) => {
        if (fail) throw Object.assign(new Error('no access'), { code: 'EACCES' })
        return path
      },
      close: async () => undefined,
      update: () => undefined,
    })
    await w.scan()
    await w.scan()
    expect(logs).toEqual([`cannot follow ${join(tmp.dir, 'a.log')}: EACCES no access`])
    expect(w.size).toBe(0)
    fail = false
    expect(await w.scan()).toEqual({ added: 1, removed: 0 })
  })

  it('an id asked for by an entry is its own, and is kept free for it', async () => {
    mkdirSync(join(tmp.dir, 'd'))
    touch('d', 'web')
    const { w } = watch([
      { path: join(tmp.dir, 'd', '*') },
      { path: join(tmp.dir, 'x'), id: 'web' },
    ])
    await w.scan()
    expect(w.list().map((f) => f.id)).toEqual(['web-2', 'web'])
  })
})
