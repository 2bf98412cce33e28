/**
 * The page carries its first lines (src/server/page-seed.ts): the file's last lines and the
 * cursor they end at, as JSON no line can break out of. A stream resumed from that cursor gets
 * what was written since, once. No seed for what the request may not read, for the merged view,
 * for a bad `?lines=` or a read slower than the budget; the page itself is served either way.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { jwtVerifier } from '../src/server/jwt-auth.js'
import { loadAssets } from '../src/server/node-assets.js'
import { SEED_BYTES, SEED_LINES } from '../src/server/page-seed.js'
import { FakeSource } from './helpers/fake-source.js'
import { startJwks, type Jwks } from './helpers/jwks.js'
import { lines, readBody } from './helpers/sse.js'

let dir: string
let jwks: Jwks
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taillight-seed-'))
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><main class="log"></main><!--taillight-seed--><script src="boot.js"></script>'
  )
  jwks = await startJwks()
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  jwks.close()
})

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})

function app(sources: FakeSource[], extra: Partial<Parameters<typeof createApp>[0]> = {}) {
  const t = createApp({ sources, version: '1', assets: loadAssets(dir), ...extra })
  apps.push(t)
  return t
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`)

interface Seed {
  file: string
  lines: string[]
  first: string
  cursor: string
  more?: true
  info: unknown
}

/** The page and the seed it carries (undefined: none). */
async function page(t: Taillight, path = '/', init?: RequestInit) {
  const res = await t.app.request(path, init)
  expect(res.status).toBe(200)
  const html = await res.text()
  const m = /<script type="application\/json" id="taillight-seed">(.*?)<\/script>/s.exec(html)
  return { res, html, seed: m ? (JSON.parse(m[1] as string) as Seed) : undefined }
}

describe('the page seed', () => {
  it('carries the last lines and their cursor; a stream resumed there gets the rest once', async () => {
    const src = new FakeSource('app', { content: numbered(1, 500).join('\n') + '\n' })
    const t = app([src])
    const { res, html, seed } = await page(t)
    expect(html).not.toContain('<!--taillight-seed-->')
    // The page is this request's: not stored, and no ETag of the file on disk.
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('etag')).toBeNull()
    expect(seed?.file).toBe('app')
    expect(seed?.lines).toEqual(numbered(500 - SEED_LINES + 1, 500))
    expect(seed?.more).toBeUndefined()
    // Its file as /api/files lists it.
    const files = (await (await t.app.request('/api/files')).json()) as unknown[]
    expect(seed?.info).toEqual(files[0])
    // Written after the page was served, before its stream opened.
    src.append('line 501\nline 502\n')
    const body = readBody(await t.app.request(`/events?lastEventId=${seed?.cursor}`))
    const evs = await body.events(1)
    expect(evs[0]?.event).toBe('update')
    expect(lines(evs[0])).toEqual(['line 501', 'line 502'])
    src.append('line 503\n')
    const more = await body.events(2)
    expect(lines(more[1])).toEqual(['line 503'])
    expect(more.some((e) => e.event === 'init' || e.event === 'reset')).toBe(false)
    await body.cancel()
  })

  it('a seed from another process that follows the same file (--workers) resumes there', async () => {
    // Two processes follow one file; the one that served the page has read one line more.
    const served = new FakeSource('app', { content: 'l1\nl2\n' })
    const behind = new FakeSource('app', { content: 'l1\n' })
    const { seed } = await page(app([served]))
    const other = app([behind])
    const body = readBody(await other.app.request(`/events?lastEventId=${seed?.cursor}`))
    setTimeout(() => behind.append('l2\nl3\n'), 60)
    const evs = await body.events(1)
    expect(evs.map((e) => e.event)).toEqual(['update'])
    expect(lines(evs[0])).toEqual(['l3'])
    await body.cancel()
    // One that never gets there in time: reset and a fresh init, as for any unusable cursor.
    const never = app([new FakeSource('app', { content: 'l1\n' })])
    const late = readBody(await never.app.request(`/events?lastEventId=${seed?.cursor}`))
    const got = await late.events(2, 3000)
    expect(got.map((e) => e.event)).toEqual(['reset', 'init'])
    expect(JSON.parse(got[0]?.data ?? '{}')).toEqual({ reason: 'ahead' })
    await late.cancel()
  })

  it('no line can close the script element or run: < and U+2028/2029 are escaped', async () => {
    const evil = ['</script><script>alert(1)</script>', '<!-- x', 'a\u2028b\u2029c', '&amp; "q"']
    const t = app([new FakeSource('x', { content: evil.join('\n') + '\n' })])
    const { html, seed } = await page(t)
    const start = html.indexOf('id="taillight-seed">') + 'id="taillight-seed">'.length
    // The element's text ends at the first "</script>": the one the server closed it with.
    const json = html.slice(start, html.indexOf('</script>', start))
    expect(json).not.toContain('<')
    expect(json).not.toMatch(/[\u2028\u2029]/)
    expect(seed?.lines).toEqual(evil)
  })

  it('follows ?file= and ?lines=, bounded in bytes; none for the merged view or bad input', async () => {
    const long = 'x'.repeat(1000)
    const t = app([
      new FakeSource('a', { content: 'a 1\na 2\n' }),
      new FakeSource('b', { content: Array(200).fill(long).join('\n') + '\n' }),
    ])
    expect((await page(t)).seed?.lines).toEqual(['a 1', 'a 2'])
    expect((await page(t, '/?file=a&lines=1')).seed?.lines).toEqual(['a 2'])
    const b = (await page(t, '/log?file=b')).seed
    expect(b?.file).toBe('b')
    expect(b?.lines.length).toBe(Math.floor(SEED_BYTES / (long.length + 1)))
    expect(b?.more).toBe(true)
    for (const path of ['/?file=*', '/?file=nope', '/?lines=-1', '/?lines=x', '/?lines=0']) {
      const p = await page(t, path)
      expect(p.seed, path).toBeUndefined()
      // The page is still served: the viewer reports what is wrong, as without a seed.
      expect(p.html, path).toContain('<script src="boot.js">')
    }
    const head = await t.app.request('/', { method: 'HEAD' })
    expect(head.status).toBe(200)
  })

  it('only a file the request may read: per-file access, the same as /events', async () => {
    const t = app(
      [new FakeSource('web', { content: 'web 1\n' }), new FakeSource('db', { content: 'db 1\n' })],
      {
        fileMeta: new Map([['db', { groups: ['db'] }]]),
        jwt: jwtVerifier({ jwksUrl: jwks.url, jwksCooldownMs: 0 }),
      }
    )
    const as = async (groups: string[], path: string) =>
      (
        await page(t, path, {
          headers: { authorization: `Bearer ${await jwks.sign('u', groups)}` },
        })
      ).seed
    expect((await as(['web'], '/?file=db'))?.lines).toBeUndefined()
    expect((await as(['db'], '/?file=db'))?.lines).toEqual(['db 1'])
    expect((await as(['web'], '/'))?.file).toBe('web')
    // Not signed in: the page is the sign-in's business, and carries no lines.
    const anon = await t.app.request('/?file=web')
    expect(await anon.text()).not.toContain('web 1')
  })

  it('a read slower than the budget is not waited for, and not asked again while it runs', async () => {
    const slow = new FakeSource('slow', { content: 'slow 1\n', readDelayMs: 1_000 })
    const t = app([slow])
    // Had the page waited, the read would have given the line.
    expect((await page(t)).seed).toBeUndefined()
    expect(slow.reads).toBe(1)
    // Pages asked for meanwhile go without, and add no read behind the one still going.
    for (let i = 0; i < 3; i++) expect((await page(t)).seed).toBeUndefined()
    expect(slow.reads).toBe(1)
  })

  it('--lines above the seed size is honoured, within the byte bound', async () => {
    const t = app([new FakeSource('app', { content: numbered(1, 500).join('\n') + '\n' })], {
      lines: 300,
    })
    expect((await page(t)).seed?.lines).toEqual(numbered(201, 500))
  })
})
