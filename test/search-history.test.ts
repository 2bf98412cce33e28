/**
 * Issue 11 over a real file: /api/search answers exactly what grep answers, pages with `next`
 * without losing or repeating a line, streams matches with progress, and reports its plan.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { SearchJson } from '../src/core/protocol.js'
import { createFileSource } from '../src/follow/file-source.js'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { useTempDir } from './helpers/fs.js'

const tmp = useTempDir()

async function serve(content: string | Uint8Array, deps: Partial<AppDeps> = {}) {
  const path = join(tmp.dir, 'app.log')
  writeFileSync(path, content)
  const src = tmp.track(await createFileSource('app', path))
  const t = createApp({ sources: [src], version: 't', ...deps })
  tmp.track({ close: async () => t.close() })
  return { t, path }
}

async function page(t: Taillight, query: string): Promise<SearchJson> {
  const res = await t.app.request(`/api/search?${query}`)
  expect(res.status, query).toBe(200)
  return (await res.json()) as SearchJson
}

/** grep's matching lines, newest first (bytes compared, as grep -a in the C locale does). */
function grep(path: string, args: string[]): string[] {
  try {
    const out = execFileSync('grep', ['-a', ...args, path], { env: { LC_ALL: 'C' } })
    return out.toString('utf8').split('\n').slice(0, -1).reverse()
  } catch (err) {
    if ((err as { status?: number }).status === 1) return []
    throw err
  }
}

describe('/api/search over a file', () => {
  it('the issue: 400 lines of 5 KB; START.*END finds all 400, ^x finds none', async () => {
    const lines = Array.from(
      { length: 400 },
      (_, i) => `START-${String(i).padStart(4, '0')}-${'x'.repeat(5000)}-END`
    )
    const { t } = await serve(lines.map((l) => `${l}\n`).join(''))
    const all = await page(t, 'regex=1&limit=1000&q=START.*END')
    expect(all.matches.map((m) => m.line)).toEqual([...lines].reverse())
    expect(all).toMatchObject({ done: true, reason: 'start', strategy: 'regexWithLiteral' })
    const none = await page(t, 'regex=1&limit=1000&q=%5Ex')
    expect(none.matches).toEqual([])
    expect(none.done).toBe(true)
    // A match's cursor is the end of its line: scrollback from it ends with that line.
    const res = await t.app.request(`/api/lines?limit=1&before=${all.matches[7]?.cursor}`)
    expect(((await res.json()) as { lines: string[] }).lines).toEqual([lines[392]])
  })

  it('line by line (a source without raw history) also tests lines whole across pages', async () => {
    const lines = Array.from(
      { length: 400 },
      (_, i) => `START-${String(i).padStart(4, '0')}-${'x'.repeat(5000)}-END`
    )
    const path = join(tmp.dir, 'lines.log')
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''))
    const src = tmp.track(await createFileSource('app', path))
    // The same source without history(): the Redis edge's shape.
    const edgeLike = Object.create(src, { history: { value: undefined } }) as typeof src
    const t = createApp({ sources: [edgeLike], version: 't' })
    tmp.track({ close: async () => t.close() })
    const all = await page(t, 'regex=1&limit=1000&q=START.*END')
    expect(all.strategy).toBe('lines')
    expect(all.matches.map((m) => m.line)).toEqual([...lines].reverse())
    expect((await page(t, 'regex=1&limit=1000&q=%5Ex')).matches).toEqual([])
  })

  it('equals grep -F, -E and -iF; paging by next loses and repeats nothing', async () => {
    const words = ['ERROR', 'error', 'warn', 'user=eve', 'Straße', 'ok']
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const w = words[(i * 7) % words.length] as string
      return `2026-12-01T10:${String(i % 60).padStart(2, '0')}:00Z ${w} id=${i}${i % 13 === 0 ? '\r' : ''}`
    })
    const { t, path } = await serve(lines.map((l) => `${l}\n`).join(''), {
      search: { ms: 5000, bytes: 64 * 1024 },
    })
    const cases: [string, string[]][] = [
      ['q=ERROR', ['-F', 'ERROR']],
      ['q=error&icase=1', ['-iF', 'error']],
      ['q=id%3D1%5B0-9%5D%2B%24&regex=1', ['-E', 'id=1[0-9]+\r?$']],
      ['q=%5B0-9%5DZ%20w&regex=1', ['-E', '[0-9]Z w']],
      ['q=%5B0-9%5D%7B4%7D%24&regex=1', ['-E', '[0-9]{4}\r?$']],
    ]
    for (const [query, args] of cases) {
      const want = grep(path, args).map((l) => l.replace(/\r$/, ''))
      const got: string[] = []
      let next: string | null = null
      for (let i = 0; i < 200; i++) {
        const p: SearchJson = await page(t, `${query}&limit=97${next ? `&before=${next}` : ''}`)
        got.push(...p.matches.map((m) => m.line))
        next = p.next
        expect(p.done).toBe(next === null)
        if (next === null) break
      }
      expect(got, query).toEqual(want)
      expect(want.length, query).toBeGreaterThan(100)
    }
  })

  it('streams match, progress and done events (Accept or stream=1)', async () => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `line ${i} ${i % 1000 === 0 ? 'hit' : 'row'}`
    )
    const content = lines.map((l) => `${l}\n`).join('')
    const size = Buffer.byteLength(content)
    const { t } = await serve(content)
    for (const [query, headers] of [
      ['q=hit&limit=1000', { Accept: 'text/event-stream' }],
      ['q=hit&limit=1000&stream=1', {}],
    ] as const) {
      const res = await t.app.request(`/api/search?${query}`, { headers })
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const events = (await res.text())
        .split('\n\n')
        .filter((f) => f !== '')
        .map((f) => {
          const [ev, data] = f.split('\n')
          return {
            event: ev?.slice('event: '.length),
            data: JSON.parse(data?.slice('data: '.length) ?? ''),
          }
        })
      const matches = events.filter((e) => e.event === 'match').map((e) => e.data.line)
      expect(matches).toEqual(lines.filter((l) => l.endsWith('hit')).reverse())
      const progress = events.filter((e) => e.event === 'progress').map((e) => e.data)
      expect(progress.length).toBeGreaterThan(0)
      expect(progress.at(-1)).toEqual({ scannedBytes: size, totalBytes: size })
      expect(events.at(-1)).toEqual({
        event: 'done',
        data: {
          next: null,
          done: true,
          reason: 'start',
          scannedBytes: size,
          strategy: 'literal',
        },
      })
    }
  })

  it('a bad regex is a 400 in the streamed form too; a stale cursor a 409', async () => {
    const { t } = await serve('a\nb\n')
    const bad = await t.app.request('/api/search?q=(&regex=1&stream=1')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_regex')
    const stale = await t.app.request('/api/search?q=a&before=3-00000000000000')
    expect(stale.status).toBe(409)
  })
})
