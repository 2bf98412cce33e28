/**
 * /api/lines over a real followed file, now streamed in pages: backward scrollback returns what
 * one big read would, forward paging (after=, until=) returns exactly the lines between two
 * cursors, across pages and requests, a line longer than a page included.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { ErrorJson, LinesJson } from '../src/core/protocol.js'
import { createApp, type Taillight } from '../src/server/app.js'
import { createFileSource, type FileSource } from '../src/follow/file-source.js'
import { LINES_MAX_BYTES, PAGE_BYTES } from '../src/server/lines-pages.js'
import { useTempDir } from './helpers/fs.js'

type LinesBody = LinesJson & { error?: ErrorJson['error'] }

const N = 2000
const LONG_AT = 700
/** Lines of 100 to 1,300 bytes, and one longer than a page of the body. */
function content(): string[] {
  const out: string[] = []
  for (let i = 0; i < N; i++) {
    const pad =
      i === LONG_AT ? 'L'.repeat(PAGE_BYTES + 50_000) : 'x'.repeat(100 + ((i * 37) % 1200))
    out.push(`line ${i} ${pad}`)
  }
  return out
}

describe('/api/lines paging over a file', () => {
  const tmp = useTempDir()
  const expected = content()
  async function setup(): Promise<{ t: Taillight; src: FileSource }> {
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, expected.map((l) => `${l}\n`).join(''))
    // Long lines stay whole here, so the one longer than a page tests the forward page size.
    const src = tmp.track(await createFileSource('app', path, { maxLineBytes: 1 << 20 }))
    const t = createApp({ sources: [src], version: 't' })
    tmp.track({ close: async () => t.close() })
    return { t, src }
  }
  const get = async (t: Taillight, path: string, status = 200): Promise<LinesBody> => {
    const res = await t.app.request(path)
    expect(res.status, path).toBe(status)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    return (await res.json()) as LinesBody
  }

  it('backward: several pages give what one read of the same lines gives', async () => {
    const { t, src } = await setup()
    const r = await get(t, '/api/lines?limit=1500')
    expect(r.lines).toEqual(expected.slice(N - 1500))
    const one = await src.readBefore(src.position().cursor, 1500, LINES_MAX_BYTES)
    if ('stale' in one) throw new Error('stale')
    expect(r).toEqual({
      file: 'app',
      lines: one.lines.map((l) => l.text),
      first: one.first,
      last: src.position().cursor,
      more: true,
      atStart: false,
    })
    const rest = await get(t, `/api/lines?limit=10000&before=${r.first}`)
    expect(rest.lines).toEqual(expected.slice(0, N - 1500))
    expect(rest).toMatchObject({ more: false, atStart: true, last: r.first })
  })

  it('forward: the lines between two cursors, in one body and in many small requests', async () => {
    const { t } = await setup()
    const a = (await get(t, '/api/lines?limit=1800')).first
    const b = (await get(t, '/api/lines?limit=300')).first
    const between = expected.slice(N - 1800, N - 300)
    const whole = await get(t, `/api/lines?after=${a}&until=${b}&limit=10000`)
    expect(whole.lines.length).toBe(between.length)
    expect(whole.lines).toEqual(between)
    expect(whole).toMatchObject({ first: a, last: b, more: false, atStart: false })

    const got: string[] = []
    let cursor = a
    let requests = 0
    for (let more = true; more && requests < 100; requests++) {
      const page = await get(t, `/api/lines?after=${cursor}&until=${b}&limit=97`)
      expect(page.lines.length).toBeLessThanOrEqual(97)
      expect(page.first).toBe(cursor)
      got.push(...page.lines)
      cursor = page.last
      more = page.more
    }
    expect(got).toEqual(between)
    expect(cursor).toBe(b)
    expect(requests).toBe(Math.ceil(between.length / 97))
  })

  it('forward without until runs to the committed end; from the start says atStart', async () => {
    const { t, src } = await setup()
    const b = (await get(t, '/api/lines?limit=300')).first
    const tail = await get(t, `/api/lines?after=${b}&limit=10000`)
    expect(tail.lines).toEqual(expected.slice(N - 300))
    expect(tail).toMatchObject({ more: false, last: src.position().cursor, atStart: false })
    const start = (await get(t, '/api/lines?limit=10000&before=' + b)).first
    const head = await get(t, `/api/lines?after=${start}&limit=5`)
    expect(head.lines).toEqual(expected.slice(0, 5))
    expect(head).toMatchObject({ more: true, atStart: true })
  })

  it('a response holds at most LINES_MAX_BYTES of the file, the newest of it', async () => {
    const path = join(tmp.dir, 'big.log')
    const big = Array.from({ length: 1200 }, (_, i) => `${i} ${'y'.repeat(5000)}`)
    writeFileSync(path, big.map((l) => `${l}\n`).join(''))
    const src = tmp.track(await createFileSource('big', path))
    const t = createApp({ sources: [src], version: 't' })
    tmp.track({ close: async () => t.close() })
    const r = await get(t, '/api/lines?limit=10000')
    const text = r.lines.join('\n') + '\n'
    expect(text.length).toBeLessThanOrEqual(LINES_MAX_BYTES)
    expect(text.length).toBeGreaterThan(LINES_MAX_BYTES - 20 * 5002)
    expect(big.join('\n').endsWith(r.lines.join('\n'))).toBe(true)
    expect(r).toMatchObject({ more: true, atStart: false })
  })

  it('bad combinations are 400, stale cursors 409', async () => {
    const { t } = await setup()
    const a = (await get(t, '/api/lines?limit=10')).first
    const both = await get(t, `/api/lines?after=${a}&before=${a}`, 400)
    expect(both.error).toMatchObject({ code: 'bad_param', param: 'after' })
    expect((await get(t, `/api/lines?until=${a}`, 400)).error?.param).toBe('until')
    expect((await get(t, '/api/lines?after=garbage', 400)).error?.code).toBe('bad_cursor')
    const stale = `${a.split('-')[0] as string}-00000000000000`
    expect((await get(t, `/api/lines?after=${stale}`, 409)).error).toMatchObject({
      code: 'stale_cursor',
      param: 'after',
    })
    expect((await get(t, `/api/lines?after=${a}&until=${stale}`, 409)).error?.param).toBe('until')
  })
})
