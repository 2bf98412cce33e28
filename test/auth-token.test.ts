/**
 * Token handling: ?token= is traded for an HttpOnly SameSite=Strict cookie and dropped from the
 * URL; a person gets a sign-in form; the token is compared as the browser sends it; the token
 * can come from a file so it is not visible in ps.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { SESSION_COOKIE, sessionValue } from '../src/server/auth.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { useTempDir } from './helpers/fs.js'

const TOKEN = 'a+b%c/d=e'
let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})
function app(token = TOKEN): Taillight {
  const t = createApp({ sources: [new FakeSource('a', { content: 'x\n' })], version: '1', token })
  apps.push(t)
  return t
}
const sessionOf = (res: Response): string => {
  const set = res.headers.get('set-cookie') ?? ''
  const m = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(set)
  return m?.[1] ?? ''
}

describe('token in the URL', () => {
  it('a page request with ?token= gets a 303 to the same URL without it, and a strict cookie', async () => {
    const t = app()
    const res = await t.app.request(`/?file=a&token=${encodeURIComponent(TOKEN)}&cap=500`)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/?file=a&cap=500')
    const set = res.headers.get('set-cookie') ?? ''
    expect(set).toMatch(/HttpOnly/)
    expect(set).toMatch(/SameSite=Strict/)
    expect(set).toMatch(/Path=\//)
    // The cookie is not the token: worthless anywhere else, and the token stays secret.
    const value = sessionOf(res)
    expect(value).not.toContain(TOKEN)
    expect(value).toBe(await sessionValue(TOKEN))
    const files = await t.app.request('/api/files', {
      headers: { cookie: `other=1; ${SESSION_COOKIE}=${value}` },
    })
    expect(files.status).toBe(200)
    const wrong = await t.app.request('/api/files', {
      headers: { cookie: `${SESSION_COOKIE}=${await sessionValue('other')}` },
    })
    expect(wrong.status).toBe(401)
  })

  it('compares the token as the browser sends it: percent-encoded, or with a raw +', async () => {
    const t = app('a+b')
    for (const q of ['a%2Bb', 'a+b']) {
      expect((await t.app.request(`/api/files?token=${q}`)).status, q).toBe(200)
    }
    expect((await t.app.request('/api/files?token=ab')).status).toBe(401)
    const odd = app(TOKEN)
    expect((await odd.app.request(`/api/files?token=${encodeURIComponent(TOKEN)}`)).status).toBe(
      200
    )
  })

  it('API routes keep accepting ?token= and Bearer; /health needs nothing', async () => {
    const t = app()
    const q = encodeURIComponent(TOKEN)
    expect((await t.app.request(`/api/lines?token=${q}`)).status).toBe(200)
    const bearer = await t.app.request('/api/files', {
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(bearer.status).toBe(200)
    expect((await t.app.request('/health')).status).toBe(200)
    const none = await t.app.request('/api/files')
    expect(none.status).toBe(401)
    expect(none.headers.get('content-type')).toMatch(/json/)
  })
})

describe('sign-in page', () => {
  it('a person without a token gets a form, not JSON; posting it signs in', async () => {
    const t = app()
    const page = await t.app.request('/log?file=a')
    expect(page.status).toBe(401)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const html = await page.text()
    expect(html).toMatch(/<form method="post" action="auth"/)
    expect(html).toContain('value="/log?file=a"')
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/)

    const body = new URLSearchParams({ token: TOKEN, next: '/log?file=a' })
    const ok = await t.app.request('/auth', { method: 'POST', body })
    expect(ok.status).toBe(303)
    expect(ok.headers.get('location')).toBe('/log?file=a')
    expect(sessionOf(ok)).toBe(await sessionValue(TOKEN))

    const bad = await t.app.request('/auth', {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope', next: '/' }),
    })
    expect(bad.status).toBe(401)
    expect(await bad.text()).toMatch(/Wrong token/)
    expect(bad.headers.get('set-cookie')).toBeNull()
  })

  it('never redirects off the server after signing in', async () => {
    const t = app()
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example']) {
      const r = await t.app.request('/auth', {
        method: 'POST',
        body: new URLSearchParams({ token: TOKEN, next }),
      })
      expect(r.headers.get('location'), next).toBe('/')
    }
  })

  it('a wrong ?token= on the page says so and does not echo it into the form', async () => {
    const t = app()
    const r = await t.app.request('/?token=%3Cscript%3E')
    expect(r.status).toBe(401)
    const html = await r.text()
    expect(html).toMatch(/Wrong token/)
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('token=')
  })
})

describe('--token-file', () => {
  const tmp = useTempDir()
  afterEach(killAll)

  it('reads the token from a file; it is not on the command line', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const tokenFile = join(tmp.dir, 'token')
    writeFileSync(tokenFile, 's3cret-token\n')
    const cli = runCli(['--port', '0', '--token-file', tokenFile, file])
    const url = await cli.url
    expect(cli.stdout()).toMatch(/token required/)
    expect((await fetch(`${url}api/files`)).status).toBe(401)
    const ok = await fetch(`${url}api/files`, { headers: { authorization: 'Bearer s3cret-token' } })
    expect(ok.status).toBe(200)

    const missing = runCli(['--token-file', join(tmp.dir, 'nope'), file])
    expect((await missing.exit).code).toBe(2)
    expect(missing.stderr()).toMatch(/--token-file: cannot read .*nope \(ENOENT\)/)
  })
})
