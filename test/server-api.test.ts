import { gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { tokenMatches } from '../src/server/auth.js'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { acceptsGzip, disposition } from '../src/server/download-route.js'
import { fileIds } from '../src/server/file-ids.js'
import { FrameRing } from '../src/server/frame-ring.js'
import { parseQuery } from '../src/server/query.js'
import { FakeSource } from './helpers/fake-source.js'
import { numbered, range } from './helpers/lines.js'

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})
function setup(src: FakeSource[], deps: Partial<AppDeps> = {}) {
  const t = createApp({ sources: src, version: '1.2.3', ...deps })
  apps.push(t)
  return t
}
type Json = Record<string, unknown> & { error?: { code: string; param?: string } }
const json = async (t: Taillight, path: string, status = 200): Promise<Json> => {
  const res = await t.app.request(path)
  expect(res.status, path).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  return (await res.json()) as Json
}

describe('/api/files and /health', () => {
  it('lists ids, paths, sizes, backends and states; health has version, uptime, clients', async () => {
    const a = new FakeSource('a.log', { path: '/tmp/a.log', content: 'x\n' })
    const b = new FakeSource('b.log', { path: '/tmp/b.log' })
    b.backend = { backend: 'inotify' }
    b.state = 'missing'
    const t = setup([a, b])
    expect(await json(t, '/api/files')).toEqual([
      {
        id: 'a.log',
        path: '/tmp/a.log',
        size: 2,
        backend: 'poll',
        backendReason: 'fake',
        state: 'following',
      },
      {
        id: 'b.log',
        path: '/tmp/b.log',
        size: 0,
        backend: 'inotify',
        backendReason: null,
        state: 'missing',
      },
    ])
    const h = await json(t, '/health')
    expect(h).toMatchObject({ status: 'ok', version: '1.2.3', clients: 0 })
    expect(typeof h.uptime).toBe('number')
    expect(h.files).toHaveLength(2)
  })
})

describe('/api/lines', () => {
  it('reads backwards from the end or a cursor, with first/last cursors', async () => {
    const src = new FakeSource('app', { content: numbered(1, 100) })
    const t = setup([src])
    const r1 = await json(t, '/api/lines?limit=10')
    expect(r1.lines).toEqual(range(91, 100))
    expect(r1.last).toBe(src.position().cursor)
    expect(r1.atStart).toBe(false)
    const r2 = await json(t, `/api/lines?limit=10&before=${r1.first as string}`)
    expect(r2.lines).toEqual(range(81, 90))
    const r3 = await json(t, `/api/lines?limit=1000&before=${r2.first as string}`)
    expect(r3.lines).toEqual(range(1, 80))
    expect(r3.atStart).toBe(true)
  })

  it('400 for malformed cursors and limits, 409 for stale ones, 404 for unknown files', async () => {
    const src = new FakeSource('app', { content: numbered(1, 10) })
    const t = setup([src])
    const old = src.position().cursor
    expect((await json(t, '/api/lines?before=garbage', 400)).error?.code).toBe('bad_cursor')
    expect((await json(t, '/api/lines?limit=abc', 400)).error).toMatchObject({
      code: 'bad_param',
      param: 'limit',
    })
    expect((await json(t, '/api/lines?limit=99999999999', 400)).error?.param).toBe('limit')
    expect((await json(t, '/api/lines?file=nope', 404)).error?.code).toBe('unknown_file')
    src.rotate()
    expect((await json(t, `/api/lines?before=${old}`, 409)).error?.code).toBe('stale_cursor')
  })
})

describe('/api/search', () => {
  it('finds literal text newest first, with cursors ending at each match', async () => {
    const src = new FakeSource('app', { content: numbered(1, 2000) })
    const t = setup([src])
    const r = await json(t, '/api/search?q=line%2019&limit=1000')
    const m = r.matches as { line: string; cursor: string }[]
    expect(m.map((x) => x.line)).toEqual(
      ['line 19', ...range(190, 199), ...range(1900, 1999)].reverse()
    )
    expect(r.done).toBe(true)
    expect(r.next).toBeNull()
    // A match's cursor is just after its line: scrollback from it ends with the match.
    for (const x of m) {
      const ctx = await json(t, `/api/lines?limit=1&before=${x.cursor}`)
      expect(ctx.lines).toEqual([x.line])
    }
  })

  it('regex (RE2), case-insensitive, limit with continuation', async () => {
    const src = new FakeSource('app', { content: numbered(1, 3000) + 'ERROR boom\n' })
    const t = setup([src])
    const a = await json(t, '/api/search?q=%5Eline%20(12%7C13)00%24&regex=1')
    expect((a.matches as { line: string }[]).map((x) => x.line)).toEqual(['line 1300', 'line 1200'])
    const b = await json(t, '/api/search?q=error&icase=1')
    expect((b.matches as { line: string }[]).map((x) => x.line)).toEqual(['ERROR boom'])
    const seen: string[] = []
    let next: string | null = null
    for (let i = 0; i < 10; i++) {
      const page: Json = await json(t, `/api/search?q=0&limit=50${next ? `&before=${next}` : ''}`)
      seen.push(...(page.matches as { line: string }[]).map((x) => x.line))
      next = page.next as string | null
      if (page.done) break
    }
    const expected = range(1, 3000)
      .filter((l) => l.includes('0'))
      .reverse()
    expect(seen).toEqual(expected.slice(0, seen.length))
    expect(seen.length).toBeGreaterThanOrEqual(500)
  })

  it('is linear on patterns that backtrack catastrophically elsewhere, and bounded', async () => {
    const src = new FakeSource('app', { content: ('a'.repeat(30) + '\n').repeat(2000) })
    const t = setup([src], { search: { ms: 2000, bytes: 16 * 1024 } })
    const t0 = Date.now()
    const r = await json(t, '/api/search?q=%5E(a%2B)%2B%24b&regex=1')
    expect(Date.now() - t0).toBeLessThan(1500)
    expect(r.reason).toBe('bytes')
    expect(r.done).toBe(false)
    expect(typeof r.next).toBe('string')
  })

  it('rejects bad input', async () => {
    const t = setup([new FakeSource('app', { content: 'x\n' })])
    expect((await json(t, '/api/search', 400)).error?.param).toBe('q')
    expect((await json(t, '/api/search?q=(&regex=1', 400)).error?.code).toBe('bad_regex')
    expect((await json(t, '/api/search?q=x&limit=0', 400)).error?.param).toBe('limit')
    expect((await json(t, '/api/search?q=%E0%A4%A', 400)).error?.code).toBe('bad_encoding')
    expect((await json(t, `/api/search?q=${'x'.repeat(1025)}`, 400)).error?.code).toBe(
      'param_too_long'
    )
    expect((await json(t, `/api/search?q=${'x&'.repeat(3000)}`, 400)).error?.code).toBe(
      'query_too_long'
    )
  })
})

describe('/download', () => {
  it('streams the file with Content-Disposition, gzip when accepted, and cursor ranges', async () => {
    const content = numbered(1, 500)
    const src = new FakeSource('app', { path: '/var/log/my app"ö.log', content })
    const t = setup([src])
    const plain = await t.app.request('/download')
    expect(plain.headers.get('content-disposition')).toBe(
      `attachment; filename="my app__.log"; filename*=UTF-8''my%20app%22%C3%B6.log`
    )
    expect(plain.headers.get('content-length')).toBe(String(content.length))
    expect(await plain.text()).toBe(content)
    const gz = await t.app.request('/download', { headers: { 'accept-encoding': 'gzip, br' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(content)
    const from = src.cursorAt(content.indexOf('line 10\n'))
    const to = src.cursorAt(content.indexOf('line 13\n'))
    const part = await t.app.request(`/download?from=${from}&to=${to}`)
    expect(await part.text()).toBe('line 10\nline 11\nline 12\n')
    expect((await t.app.request(`/download?from=${to}&to=${from}`)).status).toBe(400)
    expect((await t.app.request('/download?from=12-0000000000000')).status).toBe(409)
  })

  it('parses Accept-Encoding', () => {
    expect(acceptsGzip('gzip')).toBe(true)
    expect(acceptsGzip('deflate, gzip;q=0.5')).toBe(true)
    expect(acceptsGzip('gzip;q=0')).toBe(false)
    expect(acceptsGzip('br')).toBe(false)
    expect(acceptsGzip(undefined)).toBe(false)
    expect(disposition('C:\\logs\\x.log')).toContain('filename="x.log"')
  })
})

describe('/metrics', () => {
  it('speaks the Prometheus text format', async () => {
    const src = new FakeSource('app')
    const t = setup([src])
    src.append('a\nb\n')
    src.rotate()
    src.truncate()
    const res = await t.app.request('/metrics')
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    for (const name of [
      'clients',
      'lines_read_total',
      'bytes_read_total',
      'lines_sent_total',
      'bytes_sent_total',
      'slow_clients_dropped_total',
      'rotations_total',
      'truncations_total',
      'backend',
      'event_loop_lag_seconds',
    ]) {
      expect(text).toContain(`# TYPE taillight_${name} `)
    }
    expect(text).toContain('taillight_lines_read_total{file="app"} 2')
    expect(text).toContain('taillight_rotations_total{file="app"} 1')
    expect(text).toContain('taillight_truncations_total{file="app"} 1')
    expect(text).toContain('taillight_backend{file="app",backend="poll",reason="fake"} 1')
    for (const line of text.trim().split('\n'))
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [0-9.e+-]+)$/)
  })
})

describe('pieces', () => {
  it('parseQuery is strict', () => {
    expect(parseQuery('http://x/a?b=1&c=%20d&e')).toEqual(
      new Map([
        ['b', '1'],
        ['c', ' d'],
        ['e', ''],
      ])
    )
    expect(() => parseQuery('http://x/?a=%')).toThrow(/percent/)
    expect(() => parseQuery('http://x/?a=1&a=2')).toThrow(/more than once/)
  })

  it('tokenMatches compares exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true)
    for (const g of ['', 'ab', 'abcd', 'abd', 'ABC']) expect(tokenMatches(g, 'abc')).toBe(false)
    expect(tokenMatches('', '')).toBe(false)
  })

  it('fileIds are URL-safe and unique', () => {
    expect(fileIds(['/var/log/app.log', './app.log', 'x/ü ber.log', '/', '..'])).toEqual([
      'app.log',
      'app.log-2',
      '__ber.log',
      'file',
      'file-2',
    ])
  })

  it('FrameRing evicts by count and bytes and resumes after the newest frame with an id', () => {
    const r = new FrameRing(3, 10)
    const f = (id: string, n: number) => ({
      id,
      bytes: new Uint8Array(n).fill(id.charCodeAt(0)),
      lines: 0,
      lineBytes: 0,
    })
    r.push(f('a', 2))
    r.push(f('b', 2))
    r.push(f('c', 2))
    expect(Array.from(r.after('a') ?? [])).toEqual([98, 98, 99, 99])
    r.push(f('d', 2))
    expect(r.after('a')).toBeUndefined()
    expect(r.after('d')?.length).toBe(0)
    r.push(f('e', 8))
    expect(r.size).toBe(2)
    expect(r.after('c')).toBeUndefined()
    expect(r.after('d')?.length).toBe(8)
    r.push(f('f', 20))
    expect(r.size).toBe(1)
    expect(r.after('f')?.length).toBe(0)
  })
})
