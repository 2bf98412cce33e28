/**
 * JWT bearer tokens against a JWKS served on loopback: valid, expired, wrong issuer or
 * audience, wrong key, a key rotated in the JWKS; through the app and through the CLI flags.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { identityOf } from '../src/server/auth.js'
import { jwtVerifier } from '../src/server/jwt-auth.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { useTempDir } from './helpers/fs.js'

const ISS = 'https://id.example.test/'
const AUD = 'taillight'
type Key = { kid: string; priv: CryptoKey; pub: JWK }

async function key(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  return { kid, priv: privateKey, pub: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } }
}

function sign(k: Key, claims: Record<string, unknown> = {}, exp = '5m'): Promise<string> {
  return new SignJWT({ iss: ISS, aud: AUD, sub: 'alice', groups: ['ops'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: k.kid })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(k.priv)
}

let jwks: Server
let published: JWK[] = []
let fetches = 0
let jwksUrl = ''
let k1: Key
let k2: Key
let stranger: Key

beforeAll(async () => {
  ;[k1, k2, stranger] = await Promise.all([key('k1'), key('k2'), key('x')])
  published = [k1.pub]
  jwks = createServer((_req, res) => {
    fetches++
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: published }))
  })
  await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r))
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`
})
afterAll(() => new Promise<void>((r) => jwks.close(() => r())))

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
  published = [k1.pub]
})

function app(): Taillight {
  const jwt = jwtVerifier({ jwksUrl, issuer: ISS, audience: AUD, jwksCooldownMs: 0 })
  const t = createApp({ sources: [new FakeSource('a', { content: 'x\n' })], version: '1', jwt })
  // A route that reports who the middleware said the caller is.
  apps.push(t)
  return t
}
const get = (t: Taillight, token: string, path = '/api/files') =>
  t.app.request(path, { headers: { authorization: `Bearer ${token}` } })
const code = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code

describe('JWT bearer tokens', () => {
  it('a valid token is accepted, on the header and as ?token= (EventSource)', async () => {
    const t = app()
    const token = await sign(k1)
    expect((await get(t, token)).status).toBe(200)
    expect((await t.app.request(`/api/lines?token=${token}`)).status).toBe(200)
    expect((await t.app.request('/api/files')).status).toBe(401)
  })

  it('the identity and its groups are known to the routes', async () => {
    const jwt = jwtVerifier({ jwksUrl, issuer: ISS, audience: AUD })
    const r = await jwt(await sign(k1, { groups: ['ops', 'web'] }))
    expect(r).toEqual({ ok: true, identity: { subject: 'alice', groups: ['ops', 'web'] } })
    const spaced = await jwt(await sign(k1, { groups: 'ops web' }))
    expect(spaced.ok && spaced.identity.groups).toEqual(['ops', 'web'])
    expect(identityOf(new Request('http://localhost/'))).toBeUndefined()
  })

  it('expired, wrong issuer, wrong audience and a foreign key are 401 with a reason', async () => {
    const t = app()
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISS)
      .setAudience(AUD)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(k1.priv)
    const cases: [string, string][] = [
      [expired, 'token_expired'],
      [await sign(k1, { iss: 'https://other.example/' }), 'token_claim'],
      [await sign(k1, { aud: 'someone-else' }), 'token_claim'],
      [await sign(stranger), 'token_signature'],
      [(await sign(k1)).replace(/\.[^.]+$/, '.AAAA'), 'token_signature'],
      ['aaaa.bbbb.cccc', 'token_invalid'],
    ]
    for (const [token, want] of cases) {
      const r = await get(t, token)
      expect(r.status, want).toBe(401)
      expect(await code(r), want).toBe(want)
    }
  })

  it('a key rotated into the JWKS is picked up without a restart; a removed one stops working', async () => {
    const t = app()
    expect((await get(t, await sign(k1))).status).toBe(200)
    const before = fetches
    published = [k1.pub, k2.pub]
    expect((await get(t, await sign(k2))).status).toBe(200)
    expect(fetches).toBeGreaterThan(before)
    published = [k2.pub]
    // Cached k1 stays valid until the set is fetched again; a fresh verifier sees the removal.
    const fresh = app()
    expect((await get(fresh, await sign(k1))).status).toBe(401)
    expect((await get(fresh, await sign(k2))).status).toBe(200)
  })

  it('a JWKS that cannot be fetched is reported as such, not as a bad token', async () => {
    const jwt = jwtVerifier({ jwksUrl: 'http://127.0.0.1:1/jwks.json', issuer: ISS })
    const r = await jwt(await sign(k1))
    expect(r.ok).toBe(false)
    expect(!r.ok && r.code).toBe('jwks_unavailable')
  })
})

describe('JWT through the CLI', () => {
  const tmp = useTempDir()
  afterEach(killAll)

  it('--auth-jwks, --auth-issuer and --auth-audience guard every route but /health', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const cli = runCli([
      '--port',
      '0',
      '--auth-jwks',
      jwksUrl,
      '--auth-issuer',
      ISS,
      '--auth-audience',
      AUD,
      file,
    ])
    const url = await cli.url
    expect((await fetch(`${url}api/files`)).status).toBe(401)
    expect((await fetch(`${url}health`)).status).toBe(200)
    const ok = await fetch(`${url}api/files`, {
      headers: { authorization: `Bearer ${await sign(k1)}` },
    })
    expect(ok.status).toBe(200)
    const wrongAud = await fetch(`${url}api/files`, {
      headers: { authorization: `Bearer ${await sign(k1, { aud: 'x' })}` },
    })
    expect(wrongAud.status).toBe(401)

    const bad = runCli(['--auth-issuer', ISS, file])
    expect((await bad.exit).code).toBe(2)
    expect(bad.stderr()).toMatch(/need --auth-jwks/)
  })
})
