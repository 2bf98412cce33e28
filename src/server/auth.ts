/**
 * @module Token check: `Authorization: Bearer T`, the session cookie, or `?token=T`.
 *
 * A token in a URL leaks (address bar, history, copied links, proxy logs), so the page trades
 * it for an HttpOnly, SameSite=Strict cookie at once: a page request with a good `?token=` gets
 * a 303 to the same URL without it. The cookie holds an HMAC of the token, not the token, so it
 * is worthless anywhere else and dies when the token is changed. A person without a token gets
 * a sign-in page, not a JSON 401; programs keep the JSON. With OpenID Connect (oidc-session.ts)
 * a person without a session is sent to the provider instead, and the session's groups are the
 * identity per-file access reads, as a JWT's are.
 */
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.js'
import { looksLikeJwt, type Identity, type JwtVerifier } from './jwt-auth.js'
import { CALLBACK, type OidcSession } from './oidc-session.js'
import { signInPage } from './sign-in-page.js'

const encoder = new TextEncoder()
export const SESSION_COOKIE = 'taillight_session'
/** Pages a person opens; everything else is an API and answers in JSON. */
const PAGES = new Set(['/', '/log'])

/** Compares in time that depends only on the expected token's length, not on the input. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = encoder.encode(given)
  const b = encoder.encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(1, a.length)] ?? 0) ^ (b[i] as number)
  return diff === 0 && b.length > 0
}

/** The cookie value for a token: HMAC-SHA256(token, fixed label), base64url. */
export async function sessionValue(token: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(token),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, encoder.encode('taillight session v1'))
  )
  return btoa(String.fromCharCode(...mac))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}

/**
 * `?token=` as the browser sent it: tokens have no spaces, so a space in the decoded value was
 * a `+` that form-decoding turned into one (a token `a+b` typed into the address bar).
 */
function queryToken(c: Context<AppEnv>): string | undefined {
  return c.get('query').get('token')?.replace(/ /g, '+')
}

function cookie(c: Context<AppEnv>, name: string): string | undefined {
  for (const part of (c.req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

/** The cookie goes only to this app's paths: under a base path, not to the proxy's others. */
function setSession(c: Context<AppEnv>, value: string, base: string): void {
  const secure = new URL(c.req.url).protocol === 'https:' ? '; Secure' : ''
  c.header(
    'Set-Cookie',
    `${SESSION_COOKIE}=${value}; Path=${base || '/'}; HttpOnly; SameSite=Strict; Max-Age=2592000${secure}`
  )
}

/**
 * The request's own path and query without `token`: where a person lands after signing in. It
 * comes from the full URL, so under a base path it keeps it (base-path.ts cuts it only for
 * routing).
 */
export function withoutToken(url: string): string {
  const u = new URL(url)
  u.searchParams.delete('token')
  return u.pathname + u.search
}

/** Only a path of this app: never `//evil.example`, an absolute URL or outside the base path. */
export function safeNext(next: string | undefined, base: string): string {
  const ok = next && /^\/(?![/\\])/.test(next) && next.startsWith(`${base}/`)
  return ok ? next : `${base}/`
}

export interface AuthOptions {
  /** One shared token (--token, TAILLIGHT_TOKEN, --token-file). */
  token?: string
  /** JWT bearer tokens checked against a JWKS (--auth-jwks). */
  jwt?: JwtVerifier
  /** The base path the app is served under ('' for the root): redirects and the cookie keep it. */
  base?: string
  /** Browser sign-in with OpenID Connect (--oidc-issuer). */
  oidc?: OidcSession
}

/** Who made a request, when a JWT said so (per-file access reads the groups). */
const identities = new WeakMap<Request, Identity>()

export function identityOf(req: Request): Identity | undefined {
  return identities.get(req)
}

export function requireAuth(
  o: AuthOptions,
  open: (path: string) => boolean
): MiddlewareHandler<AppEnv> {
  const token = o.token
  const base = o.base ?? ''
  const session = token === undefined ? undefined : sessionValue(token)
  return async (c, next) => {
    if (c.req.path === '/auth' && c.req.method === 'POST' && token !== undefined) {
      return signIn(c, token, (await session) as string, base)
    }
    if (o.oidc && c.req.path === CALLBACK && c.req.method === 'GET') {
      return o.oidc.callback(c, (n) => safeNext(n, base))
    }
    if (open(c.req.path)) return next()
    const fromQuery = queryToken(c)
    const header = c.req.header('authorization')
    const bearer = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] : undefined
    let rejected: { code: string; message: string } | undefined
    // EventSource cannot send headers, so an access token may come as ?token= too.
    for (const given of [bearer, fromQuery]) {
      if (given === undefined || !o.jwt || !looksLikeJwt(given)) continue
      const r = await o.jwt(given)
      if (r.ok) {
        identities.set(c.req.raw, r.identity)
        return next()
      }
      rejected = r
    }
    const signedIn = await o.oidc?.identity(c)
    if (signedIn) {
      identities.set(c.req.raw, signedIn)
      return next()
    }
    if (token !== undefined) {
      if (fromQuery !== undefined && tokenMatches(fromQuery, token)) {
        if (PAGES.has(c.req.path) && c.req.method === 'GET') {
          setSession(c, (await session) as string, base)
          return c.redirect(withoutToken(c.req.url), 303)
        }
        return next()
      }
      if (bearer !== undefined && tokenMatches(bearer, token)) return next()
      const got = cookie(c, SESSION_COOKIE)
      if (got !== undefined && tokenMatches(got, (await session) as string)) return next()
      if (PAGES.has(c.req.path) && !o.oidc) {
        return signInPage(withoutToken(c.req.url), fromQuery === undefined ? '' : 'Wrong token.')
      }
    }
    if (o.oidc && PAGES.has(c.req.path) && c.req.method === 'GET') {
      return o.oidc.login(c, withoutToken(c.req.url))
    }
    c.header('WWW-Authenticate', 'Bearer realm="taillight"')
    const error = rejected ?? { code: 'unauthorized', message: 'missing or wrong token' }
    return c.json({ error }, 401)
  }
}

/** POST /auth from the sign-in form: `token`, `next`. */
async function signIn(
  c: Context<AppEnv>,
  token: string,
  session: string,
  base: string
): Promise<Response> {
  let form: FormData
  try {
    form = await c.req.formData()
  } catch {
    return c.json({ error: { code: 'bad_request', message: 'expected a form' } }, 400)
  }
  const given = form.get('token')
  const next = safeNext(String(form.get('next') ?? '/'), base)
  if (typeof given === 'string' && tokenMatches(given.trim(), token)) {
    setSession(c, session, base)
    return c.redirect(next, 303)
  }
  return signInPage(next, 'Wrong token.')
}
