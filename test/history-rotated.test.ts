/**
 * Issue 11, the rotated past: scrollback and search go on from the current file into its
 * logrotate siblings (plain and gzip), oldest last, and say which file each line is from.
 * Compared with what cat/zcat and grep/zgrep print over the same chain.
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { LinesJson, SearchJson } from '../src/core/protocol.js'
import { inflateStats } from '../src/archive/gzip-index.js'
import { createFileSource, type FileSourceOptions } from '../src/follow/file-source.js'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { useTempDir, waitFor } from './helpers/fs.js'

const tmp = useTempDir()

const lines = (tag: string, n: number, width = 0) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${tag} line ${i} ${i % 7 === 0 ? 'ERROR' : 'ok'} ${'w'.repeat((i * 37) % (width + 1))}`
  )
const text = (ls: string[]) => ls.map((l) => `${l}\n`).join('')

/** app.log.3.gz, app.log.2.gz, app.log.1 (plain) and app.log, oldest to newest. */
function chain(dir: string) {
  const files = [
    { name: 'app.log.3.gz', lines: lines('three', 300, 90) },
    { name: 'app.log.2.gz', lines: lines('two', 500, 200) },
    { name: 'app.log.1', lines: lines('one', 250, 60) },
    { name: 'app.log', lines: lines('now', 120, 40) },
  ]
  for (const f of files) {
    const body = Buffer.from(text(f.lines))
    writeFileSync(join(dir, f.name), f.name.endsWith('.gz') ? gzipSync(body) : body)
  }
  writeFileSync(join(dir, 'app.log.zst'), 'not read')
  writeFileSync(join(dir, 'other.log.1'), 'not a sibling\n')
  return files
}

async function serve(history?: number, more: Partial<AppDeps> & FileSourceOptions = {}) {
  const path = join(tmp.dir, 'app.log')
  const { search, ...opts } = more
  const src = tmp.track(
    await createFileSource('app', path, history === undefined ? opts : { ...opts, history })
  )
  const t = createApp({ sources: [src], version: 't', ...(search && { search }) })
  tmp.track({ close: async () => t.close() })
  return { t, src, path }
}

async function get<T>(t: Taillight, query: string, status = 200): Promise<T> {
  const res = await t.app.request(query)
  expect(res.status, query).toBe(status)
  return (await res.json()) as T
}

/** Every line from the newest back to the oldest, following `first`; with each page's source. */
async function scrollAll(t: Taillight, limit: number) {
  const pages: { source: string | undefined; lines: string[] }[] = []
  let before: string | undefined
  for (let i = 0; i < 500; i++) {
    const q = `/api/lines?limit=${limit}${before ? `&before=${before}` : ''}`
    const p = await get<LinesJson>(t, q)
    pages.unshift({ source: p.source, lines: p.lines })
    if (!p.more) {
      expect(p.atStart).toBe(true)
      return pages
    }
    expect(p.atStart).toBe(false)
    before = p.first
  }
  throw new Error('scrollback did not end')
}

/** What zcat/cat print for the chain, oldest first, as lines. */
function catChain(dir: string, names: string[]): string[] {
  const script = names.map((n) => (n.endsWith('.gz') ? `zcat '${n}'` : `cat '${n}'`)).join('; ')
  const out = execFileSync('sh', ['-c', script], {
    cwd: dir,
    maxBuffer: 256 * 1024 * 1024,
  }).toString('utf8')
  return out.split('\n').slice(0, -1)
}

/** zgrep/grep matches over the chain, newest first, each with its file. */
function grepChain(dir: string, names: string[], pattern: string) {
  const out: { line: string; source: string }[] = []
  for (const n of names) {
    let found: string[] = []
    try {
      const cmd = n.endsWith('.gz') ? 'zgrep' : 'grep'
      found = execFileSync(cmd, ['-a', '-e', pattern, n], {
        cwd: dir,
        env: { ...process.env, LC_ALL: 'C' },
      })
        .toString('utf8')
        .split('\n')
        .slice(0, -1)
    } catch (err) {
      if ((err as { status?: number }).status !== 1) throw err
    }
    out.push(...found.map((line) => ({ line, source: n })))
  }
  return out.reverse()
}

describe('the rotated past', () => {
  it('scrollback from the newest line to the oldest equals zcat/cat of the chain', async () => {
    const files = chain(tmp.dir)
    const { t } = await serve()
    for (const limit of [1000, 97]) {
      const pages = await scrollAll(t, limit)
      const got = pages.flatMap((p) => p.lines)
      expect(got).toEqual(
        catChain(
          tmp.dir,
          files.map((f) => f.name)
        )
      )
      // Each page is from one file, named unless it is the current one.
      for (const p of pages) {
        const f = files.find((x) => x.lines.includes(p.lines[0] as string))
        expect(p.source, p.lines[0]).toBe(f?.name === 'app.log' ? undefined : f?.name)
        for (const l of p.lines) expect(f?.lines.includes(l)).toBe(true)
      }
    }
  })

  it('search equals grep/zgrep over the chain, newest first, each match naming its file', async () => {
    const files = chain(tmp.dir)
    const { t } = await serve()
    const want = grepChain(
      tmp.dir,
      files.map((f) => f.name),
      'ERROR'
    )
    const all = await get<SearchJson>(t, '/api/search?limit=1000&q=ERROR')
    expect(all).toMatchObject({ done: true, reason: 'start', next: null })
    const got = all.matches.map((m) => ({ line: m.line, source: m.source ?? 'app.log' }))
    expect(got).toEqual(want)
    // Paged with small limits, following next: the same matches, none lost or repeated.
    const paged: { line: string; source: string }[] = []
    let next: string | null = null
    for (let i = 0; i < 100; i++) {
      const p: SearchJson = await get<SearchJson>(
        t,
        `/api/search?limit=13&q=ERROR${next ? `&before=${next}` : ''}`
      )
      paged.push(...p.matches.map((m) => ({ line: m.line, source: m.source ?? 'app.log' })))
      next = p.next
      if (p.done) break
    }
    expect(paged).toEqual(want)
    // A regex, and the streamed form: done only after the oldest file.
    const re = grepChain(
      tmp.dir,
      files.map((f) => f.name),
      'two line [0-9]*5 '
    )
    const res = await t.app.request(
      '/api/search?stream=1&regex=1&limit=1000&q=two%20line%20%5B0-9%5D*5%20'
    )
    const events = (await res.text()).split('\n\n').filter(Boolean)
    const matches = events
      .filter((e) => e.startsWith('event: match'))
      .map((e) => JSON.parse(e.split('data: ')[1] as string) as { line: string; source?: string })
    expect(matches.map((m) => ({ line: m.line, source: m.source ?? 'app.log' }))).toEqual(re)
    expect(events.at(-1)).toContain('"done":true')
  })

  it('a match cursor in a sibling is a scrollback cursor there', async () => {
    chain(tmp.dir)
    const { t } = await serve()
    const s = await get<SearchJson>(t, '/api/search?limit=1&q=two%20line%20400%20')
    const m = s.matches[0]
    expect(m?.source).toBe('app.log.2.gz')
    const p = await get<LinesJson>(t, `/api/lines?limit=2&before=${m?.cursor}`)
    expect(p.lines.map((l) => l.slice(0, 13))).toEqual(['two line 399 ', 'two line 400 '])
    expect(p.source).toBe('app.log.2.gz')
    // Not a cursor into the current file: a download range cannot start there.
    const d = await get<{ error: { code: string } }>(t, `/download?from=${m?.cursor}`, 409)
    expect(d.error.code).toBe('stale_cursor')
  })

  it('reading forwards from a sibling goes on into the newer files (the history view)', async () => {
    const files = chain(tmp.dir)
    const { t } = await serve()
    const s = await get<SearchJson>(t, '/api/search?limit=1&q=two%20line%20450%20')
    let after = s.matches[0]?.cursor as string
    const got: string[] = []
    const sources: (string | undefined)[] = []
    for (let i = 0; i < 20; i++) {
      const p = await get<LinesJson>(t, `/api/lines?limit=40&after=${after}`)
      got.push(...p.lines)
      sources.push(p.source)
      if (!p.more) break
      after = p.last
    }
    const all = catChain(
      tmp.dir,
      files.map((f) => f.name)
    )
    const from = all.findIndex((l) => l.startsWith('two line 450 ')) + 1
    expect(got).toEqual(all.slice(from))
    expect([...new Set(sources)]).toEqual(['app.log.2.gz', 'app.log.1', undefined])
  })

  it('at=TIME before the current file finds its line in the siblings', async () => {
    const stamped = (h: number, n: number) =>
      Array.from(
        { length: n },
        (_, m) => `2026-11-30T${h}:${String(m).padStart(2, '0')}:00Z ${h} ${m}`
      )
    writeFileSync(join(tmp.dir, 'app.log.2.gz'), gzipSync(text(stamped(10, 60))))
    writeFileSync(join(tmp.dir, 'app.log.1'), text(stamped(11, 60)))
    writeFileSync(join(tmp.dir, 'app.log'), text(stamped(12, 30)))
    const { t } = await serve()
    const at = async (time: string) => {
      const p = await get<LinesJson>(t, `/api/lines?limit=2&at=${time}`)
      return { source: p.source, lines: p.lines.map((l) => l.slice(11, 16)) }
    }
    expect(await at('2026-11-30T12:10:00Z')).toEqual({
      source: undefined,
      lines: ['12:10', '12:11'],
    })
    expect(await at('2026-11-30T11:30:30Z')).toEqual({
      source: 'app.log.1',
      lines: ['11:31', '11:32'],
    })
    expect(await at('2026-11-30T10:15:00Z')).toEqual({
      source: 'app.log.2.gz',
      lines: ['10:15', '10:16'],
    })
    expect(await at('2026-11-30T09:00:00Z')).toEqual({
      source: 'app.log.2.gz',
      lines: ['10:00', '10:01'],
    })
    expect(await at('2026-11-30T11:59:30Z')).toEqual({
      source: undefined,
      lines: ['12:00', '12:01'],
    })
  })

  it('a sibling that is not valid gzip is passed over, never a crash', async () => {
    writeFileSync(join(tmp.dir, 'app.log.3.gz'), gzipSync(text(lines('three', 30))))
    writeFileSync(
      join(tmp.dir, 'app.log.2.gz'),
      gzipSync(text(lines('two', 3000))).subarray(0, 2000)
    )
    writeFileSync(join(tmp.dir, 'app.log.1'), text(lines('one', 20)))
    writeFileSync(join(tmp.dir, 'app.log'), text(lines('now', 10)))
    const { t } = await serve()
    for (let i = 0; i < 2; i++) {
      const pages = await scrollAll(t, 1000)
      expect(pages.map((p) => p.source)).toEqual(['app.log.3.gz', 'app.log.1', undefined])
      const s = await get<SearchJson>(t, '/api/search?limit=1000&q=line%201%20')
      expect([...new Set(s.matches.map((m) => m.source))]).toEqual([
        undefined,
        'app.log.1',
        'app.log.3.gz',
      ])
      expect(s.done).toBe(true)
    }
  })

  it('dateext names: app.log-20261129.gz is older than app.log-20261130', async () => {
    writeFileSync(join(tmp.dir, 'app.log-20261129.gz'), gzipSync(text(lines('d29', 40))))
    writeFileSync(join(tmp.dir, 'app.log-20261130'), text(lines('d30', 30)))
    writeFileSync(join(tmp.dir, 'app.log'), text(lines('now', 10)))
    const { t } = await serve()
    const pages = await scrollAll(t, 1000)
    expect(pages.map((p) => p.source)).toEqual([
      'app.log-20261129.gz',
      'app.log-20261130',
      undefined,
    ])
    expect(pages.flatMap((p) => p.lines)).toEqual(
      catChain(tmp.dir, ['app.log-20261129.gz', 'app.log-20261130', 'app.log'])
    )
  })

  it('--history 0 stops at the current file; --history 1 at app.log.1', async () => {
    const files = chain(tmp.dir)
    const off = await serve(0)
    const pages = await scrollAll(off.t, 1000)
    expect(pages).toEqual([{ source: undefined, lines: files[3]?.lines }])
    const s = await get<SearchJson>(off.t, '/api/search?limit=1000&q=line')
    expect(s.matches.every((m) => m.source === undefined)).toBe(true)
    expect(s.done).toBe(true)
    await off.src.close()
    const one = await serve(1)
    expect((await scrollAll(one.t, 1000)).map((p) => p.source)).toEqual(['app.log.1', undefined])
  })

  it('a cursor into a sibling that was replaced or deleted is stale, not other lines', async () => {
    chain(tmp.dir)
    const { t } = await serve()
    const s1 = await get<SearchJson>(t, '/api/search?limit=1&q=one%20line%20100%20')
    const s2 = await get<SearchJson>(t, '/api/search?limit=1&q=two%20line%20100%20')
    const c1 = s1.matches[0]?.cursor as string
    const c2 = s2.matches[0]?.cursor as string
    expect((await get<LinesJson>(t, `/api/lines?limit=1&before=${c1}`)).lines[0]).toMatch(
      /^one line 100 /
    )
    // Same size, other bytes, another mtime: not the same file any more.
    const one = join(tmp.dir, 'app.log.1')
    writeFileSync(one, text(lines('uno', 250, 60)))
    utimesSync(one, new Date(), new Date(Date.now() + 5000))
    for (const q of [`/api/lines?limit=1&before=${c1}`, `/api/search?q=line&before=${c1}`]) {
      const e = await get<{ error: { code: string; param: string } }>(t, q, 409)
      expect(e.error).toMatchObject({ code: 'stale_cursor', param: 'before' })
    }
    rmSync(join(tmp.dir, 'app.log.2.gz'))
    const e = await get<{ error: { code: string } }>(t, `/api/lines?limit=1&before=${c2}`, 409)
    expect(e.error.code).toBe('stale_cursor')
    // A made-up sibling id is stale too; a mangled one is a bad cursor.
    await get(t, `/api/lines?before=${c2.slice(0, -14)}00000000000000`, 409)
    await get(t, `/api/lines?before=${c2}zz`, 400)
  })

  it('a plain sibling that still grows (a writer not reopened yet) keeps its cursors', async () => {
    chain(tmp.dir)
    const { t } = await serve()
    const s = await get<SearchJson>(t, '/api/search?limit=1&q=one%20line%20200%20')
    const c = s.matches[0]?.cursor as string
    appendFileSync(join(tmp.dir, 'app.log.1'), 'one late line\n')
    const p = await get<LinesJson>(t, `/api/lines?limit=2&before=${c}`)
    expect(p.lines.map((l) => l.slice(0, 13))).toEqual(['one line 199 ', 'one line 200 '])
    expect(p.source).toBe('app.log.1')
  })

  it('a real rename rotation while following: scrollback goes on into app.log.1', async () => {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, text(lines('old', 50)))
    const { t, src } = await serve()
    await waitFor(() => src.position().offset > 0, 'the first lines')
    const gen = src.position().gen
    // Cursors handed out before the rotation: line 30's start, as a viewer holds it.
    const held = await get<LinesJson>(t, '/api/lines?limit=20')
    expect(held.lines[0]).toMatch(/^old line 30 /)
    renameSync(path, join(tmp.dir, 'app.log.1'))
    writeFileSync(path, text(lines('new', 20)))
    await waitFor(
      () => src.position().gen !== gen && src.position().offset > 0,
      'the rotation',
      10_000
    )
    const pages = await scrollAll(t, 1000)
    expect(pages.map((p) => p.source)).toEqual(['app.log.1', undefined])
    expect(pages.flatMap((p) => p.lines)).toEqual(catChain(tmp.dir, ['app.log.1', 'app.log']))
    // The held cursor now reads on in app.log.1, where those bytes went: back, forth, search.
    const back = await get<LinesJson>(t, `/api/lines?limit=5&before=${held.first}`)
    expect(back.source).toBe('app.log.1')
    expect(back.lines).toEqual(lines('old', 50).slice(25, 30))
    const forth = await get<LinesJson>(t, `/api/lines?limit=100&after=${held.first}`)
    expect(forth).toMatchObject({ source: 'app.log.1', more: true })
    expect(forth.lines).toEqual(lines('old', 50).slice(30))
    const s = await get<SearchJson>(t, `/api/search?q=old%20line%202&before=${held.first}`)
    expect(s.matches.map((m) => m.source)).toEqual(Array(11).fill('app.log.1'))
    expect(s.done).toBe(true)
  })

  it('paging back through a multi-MB .gz inflates from checkpoints, not from the start', async () => {
    let x = 1
    const rnd = () => (x = (x * 1103515245 + 12345) >>> 0).toString(36)
    const big = Array.from({ length: 400_000 }, (_, i) => `gz line ${i} ${rnd()} ${rnd()} ${rnd()}`)
    const plain = Buffer.from(text(big))
    writeFileSync(join(tmp.dir, 'app.log.1.gz'), gzipSync(plain))
    writeFileSync(join(tmp.dir, 'app.log'), text(lines('now', 10)))
    const { t } = await serve()
    const at0 = inflateStats.inflated
    const first = await get<LinesJson>(t, '/api/lines?limit=1000')
    // Reaching the current file's start names where the archive ends: that indexes it, once.
    expect(first.more).toBe(true)
    expect(inflateStats.inflated - at0).toBeGreaterThanOrEqual(plain.length)
    let before = first.first
    const costs: number[] = []
    const got: string[] = []
    for (let i = 0; i < 12; i++) {
      const at = inflateStats.inflated
      const p = await get<LinesJson>(t, `/api/lines?limit=5000&before=${before}`)
      costs.push(inflateStats.inflated - at)
      expect(p.source).toBe('app.log.1.gz')
      got.unshift(...p.lines)
      before = p.first
    }
    expect(got).toEqual(big.slice(big.length - got.length))
    expect(got.length).toBe(60_000)
    // Every page inflates a few checkpoint spans, never the whole file again.
    for (const c of costs) expect(c).toBeLessThan(plain.length / 4)
    expect(costs.reduce((a, b) => a + b, 0)).toBeLessThan(plain.length)
  })

  it('a large .gz is indexed a step per request: scrollback and search say so and go on', async () => {
    let x = 3
    const rnd = () => (x = (x * 1103515245 + 12345) >>> 0).toString(36)
    const big = Array.from({ length: 60_000 }, (_, i) => `gz line ${i} ${rnd()} ${rnd()}`)
    const plain = Buffer.from(text(big))
    writeFileSync(join(tmp.dir, 'app.log.1.gz'), gzipSync(plain))
    writeFileSync(join(tmp.dir, 'app.log'), text(lines('now', 10)))
    const step = 256 * 1024
    const { t } = await serve(undefined, {
      indexStepBytes: step,
      search: { ms: 1, bytes: 2 ** 40 },
    })
    const got: string[] = []
    let before: string | undefined
    let indexing = 0
    for (let i = 0; i < 200; i++) {
      const at = inflateStats.inflated
      const p: LinesJson = await get<LinesJson>(
        t,
        `/api/lines?limit=10000${before ? `&before=${before}` : ''}`
      )
      if (p.indexing) {
        indexing++
        expect(p.indexing.source).toBe('app.log.1.gz')
        expect(p.more).toBe(true)
        // One step of indexing (and its last inflate call), not the archive.
        expect(inflateStats.inflated - at).toBeLessThanOrEqual(step + 256 * 1024)
      }
      got.unshift(...p.lines)
      if (!p.more) break
      before = p.first
    }
    expect(indexing).toBeGreaterThan(plain.length / (2 * step))
    expect(got).toEqual(catChain(tmp.dir, ['app.log.1.gz', 'app.log']))
  })

  it('search reaching an unindexed .gz answers time with next, and ends as grep does', async () => {
    let x = 5
    const rnd = () => (x = (x * 1103515245 + 12345) >>> 0).toString(36)
    const big = Array.from(
      { length: 40_000 },
      (_, i) => `gz line ${i} ${i % 997 === 0 ? 'NEEDLE' : rnd()}`
    )
    writeFileSync(join(tmp.dir, 'app.log.1.gz'), gzipSync(Buffer.from(text(big))))
    writeFileSync(join(tmp.dir, 'app.log'), text([...lines('now', 10), 'now NEEDLE']))
    const { t } = await serve(undefined, {
      indexStepBytes: 128 * 1024,
      search: { ms: 1, bytes: 2 ** 40 },
    })
    const found: { line: string; source: string }[] = []
    let next: string | null = null
    let requests = 0
    for (; requests < 300; requests++) {
      const p: SearchJson = await get<SearchJson>(
        t,
        `/api/search?limit=1000&q=NEEDLE${next ? `&before=${next}` : ''}`
      )
      found.push(...p.matches.map((m) => ({ line: m.line, source: m.source ?? 'app.log' })))
      if (p.done) break
      expect(p.reason).toBe('time')
      next = p.next
    }
    expect(requests).toBeGreaterThan(3)
    expect(found).toEqual(grepChain(tmp.dir, ['app.log.1.gz', 'app.log'], 'NEEDLE'))
  })
})
