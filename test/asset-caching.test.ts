/**
 * How the viewer's files are cached: the stream worker's bundle, named for its content, is
 * cached for good (a new build names a new file); app.js and the rest are revalidated (ETag,
 * 304 while it matches); the page
 * is never stored, so it always names the current build's worker. The same under --base-path,
 * and the page built by `npm run build` names a worker the server serves, from its boot script
 * (boot.js, right after the log element) and from app.js alike.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { hostAllowList } from '../src/server/host-check.js'
import { loadAssets, WEB_DIST } from '../src/server/node-assets.js'
import { ensureBuilt } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'

const WORKER = 'stream-worker.0123456789ab.js'
let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'taillight-assets-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="app.js"></script>')
  writeFileSync(join(dir, 'app.js'), '/* page */')
  writeFileSync(join(dir, WORKER), '/* worker */')
  // Not 12 hex digits: an ordinary name, revalidated like app.js.
  writeFileSync(join(dir, 'stream-worker.0123.js'), '/* not hashed */')
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})
function app(basePath?: string, assetsDir = dir): Taillight {
  const assets = loadAssets(assetsDir)
  if (!assets) throw new Error(`no index.html in ${assetsDir}`)
  const t = createApp({
    sources: [new FakeSource('a', { content: 'one\ntwo\n' })],
    version: '1',
    basePath,
    hostCheck: hostAllowList('127.0.0.1', []),
    assets,
  })
  apps.push(t)
  return t
}
const get = (t: Taillight, path: string) => t.fetch(new Request(`http://127.0.0.1${path}`))

for (const prefix of ['', '/logs']) {
  describe(`caching${prefix ? ' under --base-path ' + prefix : ''}`, () => {
    it('caches the content-hashed worker bundle for good, as JavaScript', async () => {
      const res = await get(app(prefix || undefined), `${prefix}/${WORKER}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(await res.text()).toBe('/* worker */')
    })

    it('revalidates app.js and names without a content hash; never stores the page', async () => {
      const t = app(prefix || undefined)
      for (const path of ['/app.js', '/stream-worker.0123.js']) {
        const res = await get(t, `${prefix}${path}`)
        expect(res.status, path).toBe(200)
        expect(res.headers.get('cache-control'), path).toBe('no-cache')
      }
      const page = await get(t, `${prefix}/`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('cache-control')).toBe('no-store')
      // The worker is a script of the page's own origin: the policy's script-src covers it.
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    })

    it('answers a revalidation with 304 and no body while the ETag matches', async () => {
      const t = app(prefix || undefined)
      const first = await get(t, `${prefix}/app.js`)
      const etag = first.headers.get('etag')
      expect(etag).toMatch(/^"[\w-]{22}"$/)
      const again = (inm: string) =>
        t.fetch(
          new Request(`http://127.0.0.1${prefix}/app.js`, { headers: { 'if-none-match': inm } })
        )
      for (const inm of [etag!, `W/${etag}`, `"other", ${etag}`, '*']) {
        const res = await again(inm)
        expect(res.status, inm).toBe(304)
        expect(await res.text(), inm).toBe('')
        expect(res.headers.get('etag'), inm).toBe(etag)
        expect(res.headers.get('cache-control'), inm).toBe('no-cache')
      }
      const changed = await again('"not-this-build"')
      expect(changed.status).toBe(200)
      expect(await changed.text()).toBe('/* page */')
      // Another file's tag is not this file's.
      const worker = await get(t, `${prefix}/${WORKER}`)
      expect(worker.headers.get('etag')).not.toBe(etag)
    })
  })
}

describe('the built viewer', () => {
  beforeAll(ensureBuilt, 120_000)

  it('app.js starts a worker bundle that the server serves, small and cached for good', async () => {
    const script = readFileSync(join(WEB_DIST, 'app.js'), 'utf8')
    const name = /stream-worker\.[0-9a-f]{12}\.js/.exec(script)?.[0]
    expect(name).toBeDefined()
    const res = await get(app('/logs', WEB_DIST), `/logs/${name}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const worker = await res.text()
    // Only the stream reader: far smaller than the viewer, and none of the viewer's DOM code.
    expect(worker.length).toBeLessThan(script.length / 3)
    expect(worker).not.toContain('querySelector')
  })

  it('the page loads boot.js first, which starts the same worker bundle as app.js', async () => {
    const t = app('/logs', WEB_DIST)
    const html = await (await get(t, '/logs/')).text()
    const first = /<script src="([^"]+)"/.exec(html)?.[1]
    expect(first).toBe('boot.js')
    // Right after the log element it fills with the page's seed, and before app.js.
    const log = html.indexOf('data-testid="log"')
    expect(log).toBeGreaterThan(0)
    expect(html.indexOf('id="taillight-seed"')).toBeGreaterThan(log)
    expect(html.indexOf('src="boot.js"')).toBeGreaterThan(html.indexOf('id="taillight-seed"'))
    expect(html.indexOf('src="app.js"')).toBeGreaterThan(html.indexOf('src="boot.js"'))
    const res = await get(t, '/logs/boot.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const bootJs = await res.text()
    const appJs = readFileSync(join(WEB_DIST, 'app.js'), 'utf8')
    const name = /stream-worker\.[0-9a-f]{12}\.js/.exec(bootJs)?.[0]
    expect(name).toBeDefined()
    expect(appJs).toContain(name)
    expect(bootJs.length).toBeLessThan(appJs.length / 10)
  })
})
