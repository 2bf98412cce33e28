/**
 * OpenID Connect browser sign-in, end to end against oauth2-mock-server on loopback: Chromium
 * opens the page, goes to the provider and back, and sees the lines; without the session a page
 * is redirected and the API is 401 JSON; the session's groups decide which files are listed.
 */
import { OAuth2Server } from 'oauth2-mock-server'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serveNode, type NodeServer } from '../src/server/node-serve.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { launchBrowser, requireChromium } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'

let idp: OAuth2Server
let server: NodeServer
let groups: string[] = ['ops']
const ids = (body: unknown) => (body as { id: string }[]).map((f) => f.id).sort()

beforeAll(async () => {
  idp = new OAuth2Server()
  await idp.issuer.keys.generate('RS256')
  await idp.start(0, '127.0.0.1')
  // The provider puts the person's groups in the ID token, as Keycloak or Dex can be told to.
  idp.service.on('beforeTokenSigning', (token: { payload: Record<string, unknown> }) => {
    token.payload.groups = groups
  })
  const pub = new FakeSource('pub', { path: '/var/log/pub.log', content: 'pub one\npub two\n' })
  const ops = new FakeSource('ops', { path: '/var/log/ops.log', content: 'ops one\n' })
  server = await serveNode({
    sources: [pub, ops],
    fileMeta: new Map([['ops', { groups: ['ops'] }]]),
    version: '1',
    oidc: { issuer: idp.issuer.url as string, clientId: 'taillight', clientSecret: 's3cret' },
  })
})
afterAll(async () => {
  await server?.close(200)
  await idp?.stop()
})

/** The redirect flow by hand: cookies carried, every hop checked. Returns the session cookie. */
async function signInByHand(): Promise<string> {
  const start = await fetch(server.url, { redirect: 'manual' })
  expect(start.status).toBe(302)
  const authorize = new URL(start.headers.get('location') as string)
  expect(authorize.origin + authorize.pathname).toBe(`${idp.issuer.url}/authorize`)
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}auth/callback`)
  const flow = (start.headers.get('set-cookie') ?? '').split(';')[0] as string
  expect(flow).toMatch(/^taillight_oidc_flow=/)
  const back = await fetch(authorize, { redirect: 'manual' })
  const callback = back.headers.get('location') as string
  expect(callback.startsWith(`${server.url}auth/callback?`)).toBe(true)
  const done = await fetch(callback, { redirect: 'manual', headers: { cookie: flow } })
  expect(done.status).toBe(303)
  expect(done.headers.get('location')).toBe('/')
  const session = done.headers
    .getSetCookie()
    .find((c) => c.startsWith('taillight_oidc='))
    ?.split(';')[0]
  expect(session).toBeDefined()
  return session as string
}

describe('OpenID Connect sign-in', () => {
  it('redirects a page without a session to the provider and answers the API with 401 JSON', async () => {
    const page = await fetch(`${server.url}log?file=pub`, { redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toMatch(/\/authorize\?/)
    const api = await fetch(`${server.url}api/files`)
    expect(api.status).toBe(401)
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('unauthorized')
    expect((await fetch(`${server.url}health`)).status).toBe(200)
  })

  it('refuses a callback whose state is not the one it sent, and a forged session', async () => {
    const bad = await fetch(`${server.url}auth/callback?code=x&state=forged`, {
      redirect: 'manual',
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('oidc_state')
    const forged = await fetch(`${server.url}api/files`, {
      headers: { cookie: 'taillight_oidc=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA' },
    })
    expect(forged.status).toBe(401)
  })

  it("the session's groups feed per-file access", async () => {
    groups = ['ops']
    const withOps = await signInByHand()
    const a = await fetch(`${server.url}api/files`, { headers: { cookie: withOps } })
    expect(a.status).toBe(200)
    expect(ids(await a.json())).toEqual(['ops', 'pub'])
    groups = []
    const without = await signInByHand()
    const b = await fetch(`${server.url}api/files`, { headers: { cookie: without } })
    expect(ids(await b.json())).toEqual(['pub'])
    const hidden = await fetch(`${server.url}api/lines?file=ops`, { headers: { cookie: without } })
    expect(hidden.status).toBe(404)
    groups = ['ops']
  })
})

describe('OpenID Connect under --base-path', () => {
  it('sends the provider back to base/auth/callback and scopes the cookies to the base', async () => {
    const sub = await serveNode(
      {
        sources: [new FakeSource('pub', { content: 'a\n' })],
        version: '1',
        basePath: '/logs',
        oidc: { issuer: idp.issuer.url as string, clientId: 'taillight' },
      },
      { assets: false }
    )
    try {
      const start = await fetch(`${sub.url}logs/log?file=pub`, { redirect: 'manual' })
      expect(start.status).toBe(302)
      const authorize = new URL(start.headers.get('location') as string)
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${sub.url}logs/auth/callback`)
      const flow = start.headers.get('set-cookie') ?? ''
      expect(flow).toMatch(/Path=\/logs;/)
      const back = await fetch(authorize, { redirect: 'manual' })
      const done = await fetch(back.headers.get('location') as string, {
        redirect: 'manual',
        headers: { cookie: flow.split(';')[0] as string },
      })
      expect(done.status).toBe(303)
      expect(done.headers.get('location')).toBe('/logs/log?file=pub')
      const session = done.headers.getSetCookie().find((c) => c.startsWith('taillight_oidc='))
      expect(session).toMatch(/Path=\/logs;/)
      const files = await fetch(`${sub.url}logs/api/files`, {
        headers: { cookie: (session as string).split(';')[0] as string },
      })
      expect(files.status).toBe(200)
    } finally {
      await sub.close(200)
    }
  })
})

describe.skipIf(!requireChromium('oidc'))('OpenID Connect in Chromium', () => {
  it('opens /, goes to the provider and back signed in, and sees the lines', async () => {
    const browser = await launchBrowser()
    try {
      const page = await browser.context.newPage()
      const visited: string[] = []
      page.on('request', (r) => {
        if (r.isNavigationRequest()) visited.push(r.url())
      })
      await page.goto(`${server.url}?file=pub`)
      await p.waitLines(page, (l) => l.includes('pub two'))
      expect(visited.some((u) => u.startsWith(`${idp.issuer.url}/authorize`))).toBe(true)
      expect(page.url()).toBe(`${server.url}?file=pub`)
      const cookies = await browser.context.cookies(server.url)
      const session = cookies.find((c) => c.name === 'taillight_oidc')
      expect(session?.httpOnly).toBe(true)
      expect(session?.sameSite).toBe('Lax')
    } finally {
      await browser.close()
    }
  }, 30_000)
})

describe('--oidc-* on the command line', () => {
  beforeAll(() => ensureBuilt(), 180_000)
  afterEach(killAll)

  it('redirects a page to the provider and checks its flags (exit 2)', async () => {
    const cli = runCli(
      [
        '--port',
        '0',
        '--oidc-issuer',
        idp.issuer.url as string,
        '--oidc-client-id',
        'taillight',
        'x.log',
      ],
      { TAILLIGHT_OIDC_CLIENT_SECRET: 's3cret' }
    )
    const url = await cli.url
    const page = await fetch(url, { redirect: 'manual' })
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toMatch(new RegExp(`^${idp.issuer.url}/authorize\\?`))
    expect((await fetch(`${url}api/files`)).status).toBe(401)
    const bad: [string[], RegExp][] = [
      [['--oidc-issuer', 'ftp://x'], /--oidc-issuer must be an http/],
      [['--oidc-issuer', 'http://127.0.0.1:1'], /needs --oidc-client-id/],
      [['--oidc-client-id', 'x'], /need --oidc-issuer/],
    ]
    for (const [args, re] of bad) {
      const c = runCli(['--port', '0', ...args, 'x.log'])
      expect((await c.exit).code, args.join(' ')).toBe(2)
      expect(c.stderr()).toMatch(re)
    }
  }, 30_000)
})
