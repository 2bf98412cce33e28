/**
 * @module Browser sign-in with OpenID Connect: the taillight side of the redirect flow.
 *
 * A page request without a session goes to the provider; the provider sends the browser back to
 * `auth/callback` under the base path, where the code becomes a session cookie. Both cookies
 * are HS256 JWTs (jose) under a key derived from the client secret, so every worker and every
 * restart accepts them; without a secret (a public client) the key is random per process.
 * They are SameSite=Lax: the callback is a navigation from the provider's site, and a Strict
 * cookie set there would not come back on the redirect that follows it.
 */
import { jwtVerify, SignJWT } from 'jose'
import type { Context } from 'hono'
import type { AppEnv } from './context.js'
import type { Identity } from './jwt-auth.js'
import { OidcError, randomToken, type OidcProvider } from './oidc-provider.js'

export const OIDC_SESSION = 'taillight_oidc'
const FLOW = 'taillight_oidc_flow'
const SESSION_S = 8 * 3600
const FLOW_S = 600
export const CALLBACK = '/auth/callback'

export interface OidcSessionOptions {
  provider: OidcProvider
  clientSecret?: string
  /** The base path ('' or `/a/b`): the callback URL and the cookies' Path. */
  base: string
  /** The public origin (`https://logs.example.com`) when a proxy hides it; else the request's. */
  publicOrigin?: string
}

async function keyFrom(secret: string | undefined): Promise<Uint8Array> {
  if (secret === undefined) return crypto.getRandomValues(new Uint8Array(32))
  const k = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  const label = new TextEncoder().encode('taillight oidc session v1')
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, label))
}

function cookie(c: Context<AppEnv>, name: string): string | undefined {
  for (const part of (c.req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

export function oidcSession(o: OidcSessionOptions) {
  const key = keyFrom(o.clientSecret)
  const path = o.base || '/'
  const setCookie = (c: Context<AppEnv>, name: string, value: string, maxAge: number) => {
    const secure = new URL(c.req.url).protocol === 'https:' ? '; Secure' : ''
    c.header(
      'Set-Cookie',
      `${name}=${value}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`,
      { append: true }
    )
  }
  const sign = async (claims: Record<string, unknown>, seconds: number) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(`${seconds}s`)
      .sign(await key)
  const read = async (value: string | undefined) => {
    if (!value) return undefined
    try {
      return (await jwtVerify(value, await key, { algorithms: ['HS256'] })).payload
    } catch {
      return undefined
    }
  }
  const callbackUrl = (c: Context<AppEnv>) =>
    `${o.publicOrigin ?? new URL(c.req.url).origin}${o.base}${CALLBACK}`

  return {
    /** The identity of a signed-in browser, or undefined. */
    async identity(c: Context<AppEnv>): Promise<Identity | undefined> {
      const p = await read(cookie(c, OIDC_SESSION))
      if (!p || typeof p.sub !== 'string' || !Array.isArray(p.groups)) return undefined
      return { subject: p.sub, groups: p.groups.filter((g): g is string => typeof g === 'string') }
    },

    /** Sends the browser to the provider; `next` (with the base path) is where it comes back. */
    async login(c: Context<AppEnv>, next: string): Promise<Response> {
      const state = randomToken()
      const nonce = randomToken()
      const verifier = randomToken()
      const url = await o.provider.authorizeUrl(callbackUrl(c), state, nonce, verifier)
      setCookie(c, FLOW, await sign({ state, nonce, verifier, next }, FLOW_S), FLOW_S)
      c.header('Cache-Control', 'no-store')
      return c.redirect(url, 302)
    },

    /** GET auth/callback?code&state: checks the state, trades the code, sets the session. */
    async callback(c: Context<AppEnv>, safeNext: (n: string) => string): Promise<Response> {
      const flow = await read(cookie(c, FLOW))
      const q = new URL(c.req.url).searchParams
      const code = q.get('code')
      if (!flow || typeof flow.state !== 'string' || q.get('state') !== flow.state || !code) {
        const error = q.get('error') ?? 'bad or expired sign-in state'
        return c.json({ error: { code: 'oidc_state', message: error, path: CALLBACK } }, 400)
      }
      let who: Identity
      try {
        who = await o.provider.exchange(
          code,
          callbackUrl(c),
          String(flow.verifier),
          String(flow.nonce)
        )
      } catch (err) {
        const e = err instanceof OidcError ? err : new OidcError('oidc', String(err), CALLBACK)
        return c.json({ error: { code: e.code, message: e.message, path: e.path } }, 502)
      }
      setCookie(c, FLOW, '', 0)
      setCookie(
        c,
        OIDC_SESSION,
        await sign({ sub: who.subject, groups: who.groups }, SESSION_S),
        SESSION_S
      )
      return c.redirect(safeNext(String(flow.next)), 303)
    },
  }
}

export type OidcSession = ReturnType<typeof oidcSession>
