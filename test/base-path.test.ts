/**
 * --base-path: everything under the prefix, nothing outside it; auth keeps the prefix in its
 * redirects and cookie; the viewer works in Chromium behind a real nginx under /logs/.
 */
import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type AppDeps, type Taillight } from '../src/server/app.js'
import { normalizeBasePath } from '../src/server/base-path.js'
import { hostAllowList } from '../src/server/host-check.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { requireNginx, startNginx } from './helpers/nginx.js'
import { launchBrowser, requireChromium } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'

let apps: Taillight[] = []
afterEach(async () => {
  for (const a of apps) a.close()
  apps = []
  await killAll()
})
function app(deps: Partial<AppDeps> = {}): Taillight {
  const t = createApp({
    sources: [new FakeSource('a', { content: 'one\ntwo\n' })],
    version: '1',
    basePath: '/logs',
    hostCheck: hostAllowList('127.0.0.1', []),
    ...deps,
  })
  apps.push(t)
  return t
}
const get = (t: Taillight, path: string, init: RequestInit = {}, origin = 'http://127.0.0.1') =>
  t.fetch(new Request(`${origin}${path}`, init))

describe('routes under the base path', () => {
  it('serves the API, /health and /metrics under the prefix and nothing outside it', async () => {
    const t = app()
    const files = await get(t, '/logs/api/files')
    expect(files.status).toBe(200)
    expect(JSON.stringify(await files.json())).toContain('"a"')
    expect((await get(t, '/logs/health')).status).toBe(200)
    expect((await get(t, '/logs/metrics')).status).toBe(200)
    expect((await get(t, '/logs/')).status).toBe(200)
    for (const outside of ['/api/files', '/health', '/logsx/api/files', '/log']) {
      const res = await get(t, outside)
      expect(res.status, outside).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found')
    }
    expect((await get(t, '/logs/api/nope')).status).toBe(404)
    expect((await get(t, '/logs/api/files', { method: 'POST' })).status).toBe(405)
  })

  it('redirects / and the bare prefix to prefix/, keeping the query', async () => {
    const t = app()
    for (const path of ['/', '/logs']) {
      const res = await get(t, `${path}?file=a`)
      expect(res.status).toBe(308)
      expect(res.headers.get('location')).toBe('/logs/?file=a')
    }
  })

  it('checks the Host and sets security headers first, outside the prefix too', async () => {
    const t = app()
    for (const path of ['/', '/logs/api/files', '/nothing']) {
      const res = await get(t, path, {}, 'http://evil.example')
      expect(res.status, path).toBe(403)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
        'host_not_allowed'
      )
    }
    const redirect = await get(t, '/')
    expect(redirect.headers.get('x-frame-options')).toBe('DENY')
    expect((await get(t, '/logs/')).headers.get('content-security-policy')).toMatch(
      /frame-ancestors 'none'/
    )
  })

  it('keeps the prefix in the token redirect, the cookie path and the sign-in form', async () => {
    const t = app({ token: 'secret' })
    const res = await get(t, '/logs/log?file=a&token=secret')
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/logs/log?file=a')
    expect(res.headers.get('set-cookie')).toMatch(/Path=\/logs;/)
    const page = await get(t, '/logs/log?file=a')
    expect(page.status).toBe(401)
    expect(await page.text()).toContain('value="/logs/log?file=a"')
    const post = (next: string) =>
      get(t, '/logs/auth', {
        method: 'POST',
        body: new URLSearchParams({ token: 'secret', next }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
    const ok = await post('/logs/log?file=a')
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/logs/log?file=a')
    for (const away of ['/other/', '//evil.example/', 'https://evil.example/', '/logsx']) {
      expect((await post(away)).headers.get('location'), away).toBe('/logs/')
    }
    expect((await get(t, '/logs/api/files')).status).toBe(401)
  })

  it('normalizes and rejects base paths with a code and the path', () => {
    expect(normalizeBasePath('/')).toBe('')
    expect(normalizeBasePath(undefined)).toBe('')
    expect(normalizeBasePath('/a/b')).toBe('/a/b')
    for (const bad of ['logs', '/logs/', '/a/../b', '/a//b', '/./a', '/a b', '/a?b']) {
      expect(() => normalizeBasePath(bad), bad).toThrow(
        expect.objectContaining({ code: 'bad_base_path', path: bad })
      )
    }
  })
})

describe('--base-path on the command line', () => {
  beforeAll(() => ensureBuilt(), 180_000)
  it('rejects a bad value with exit 2 naming the flag', async () => {
    for (const bad of ['logs', '/logs/', '/a/../b']) {
      const cli = runCli(['--base-path', bad, '--port', '0', 'x.log'])
      expect((await cli.exit).code, bad).toBe(2)
      expect(cli.stderr()).toMatch(/--base-path: base path/)
    }
    const env = runCli(['--port', '0', 'x.log'], { TAILLIGHT_BASE_PATH: 'nope' })
    expect((await env.exit).code).toBe(2)
    expect(env.stderr()).toMatch(/TAILLIGHT_BASE_PATH/)
  }, 30_000)
})

const browsers = requireChromium('base-path') && requireNginx('base-path')

describe.skipIf(!browsers)('the viewer in Chromium behind nginx under /logs/', () => {
  const dir = p.tempDir()
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  beforeAll(() => ensureBuilt(), 180_000)
  it('shows the lines, streams new ones through the proxy and keeps every request under /logs/', async () => {
    const file = p.logFile(dir, 'proxied.log', p.numbered('proxied', 1, 20))
    const cli = runCli(['--port', '0', '--base-path', '/logs', '--lines', '5', file])
    const direct = await cli.url
    expect(direct).toMatch(/\/logs\/$/)
    const nginx = await startNginx(new URL(direct).origin, '/logs')
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      const outside: string[] = []
      page.on('request', (r) => {
        if (!new URL(r.url()).pathname.startsWith('/logs/')) outside.push(r.url())
      })
      // The proxy forwards only /logs/: a request the page built from the root would fail.
      await page.goto(`${nginx.url}/logs/`)
      // How many lines the page shows first is the viewer's choice; the newest must be there.
      const last = p.numbered('proxied', 20, 20)[0]
      await p.waitLines(page, (l) => l.at(-1) === last)
      await p.waitStatus(page, /^live/)
      p.append(file, p.numbered('later', 1, 3))
      await p.waitLines(page, (l) => l.at(-1) === p.numbered('later', 3, 3)[0])
      expect(outside).toEqual([])
      expect(errors).toEqual([])
    } finally {
      await browser.close()
      await nginx.close()
    }
  }, 45_000)
})
