/**
 * @module The identity provider side of OpenID Connect sign-in: discovery, the authorization
 * URL (code flow with PKCE S256 and a nonce), the code-for-token exchange and the ID token
 * check (signature by the provider's JWKS, issuer, audience = our client id, nonce).
 *
 * Discovery is fetched on first use, not at start, so a provider that is down when taillight
 * starts costs a failed sign-in (retried on the next), not a server that will not start.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose'
import type { Identity } from './jwt-auth.js'

export interface OidcConfig {
  issuer: string
  clientId: string
  /** Confidential clients send it (HTTP Basic); public clients rely on PKCE alone. */
  clientSecret?: string
  fetch?: typeof fetch
}

export class OidcError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly path: string
  ) {
    super(message)
  }
}

interface Discovery {
  authorization_endpoint: string
  token_endpoint: string
  jwks_uri: string
}

const b64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')

export const randomToken = (): string => b64url(crypto.getRandomValues(new Uint8Array(32)))

async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return b64url(new Uint8Array(digest))
}

export function oidcProvider(cfg: OidcConfig) {
  const get = cfg.fetch ?? fetch
  const discoveryUrl = `${cfg.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`
  let found: Promise<{ d: Discovery; jwks: ReturnType<typeof createRemoteJWKSet> }> | undefined
  const discover = () =>
    (found ??= (async () => {
      const res = await get(discoveryUrl, { signal: AbortSignal.timeout(5_000) })
      const d = (await res.json().catch(() => ({}))) as Partial<Discovery>
      if (!res.ok || !d.authorization_endpoint || !d.token_endpoint || !d.jwks_uri) {
        throw new OidcError('oidc_discovery', `discovery answered ${res.status}`, discoveryUrl)
      }
      return { d: d as Discovery, jwks: createRemoteJWKSet(new URL(d.jwks_uri)) }
    })().catch((err: unknown) => {
      found = undefined // the next sign-in tries again
      throw err instanceof OidcError
        ? err
        : new OidcError('oidc_discovery', (err as Error).message, discoveryUrl)
    }))

  return {
    async authorizeUrl(redirectUri: string, state: string, nonce: string, verifier: string) {
      const { d } = await discover()
      const u = new URL(d.authorization_endpoint)
      u.searchParams.set('response_type', 'code')
      u.searchParams.set('client_id', cfg.clientId)
      u.searchParams.set('redirect_uri', redirectUri)
      u.searchParams.set('scope', 'openid profile email groups')
      u.searchParams.set('state', state)
      u.searchParams.set('nonce', nonce)
      u.searchParams.set('code_challenge', await challengeOf(verifier))
      u.searchParams.set('code_challenge_method', 'S256')
      return u.toString()
    },

    /** Trades the code for an ID token and returns who it names, with their groups. */
    async exchange(code: string, redirectUri: string, verifier: string, nonce: string) {
      const { d, jwks } = await discover()
      const body = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: cfg.clientId,
      })
      const headers: Record<string, string> = {
        'content-type': 'application/x-www-form-urlencoded',
      }
      if (cfg.clientSecret !== undefined) {
        const pair = `${encodeURIComponent(cfg.clientId)}:${encodeURIComponent(cfg.clientSecret)}`
        headers.authorization = `Basic ${btoa(pair)}`
      }
      const res = await get(d.token_endpoint, {
        method: 'POST',
        body,
        headers,
        signal: AbortSignal.timeout(10_000),
      })
      const tokens = (await res.json().catch(() => ({}))) as { id_token?: unknown }
      if (!res.ok || typeof tokens.id_token !== 'string') {
        throw new OidcError('oidc_token', `token endpoint answered ${res.status}`, d.token_endpoint)
      }
      let payload: JWTPayload
      try {
        ;({ payload } = await jwtVerify(tokens.id_token, jwks, {
          issuer: cfg.issuer,
          audience: cfg.clientId,
        }))
      } catch (err) {
        throw new OidcError('oidc_id_token', (err as Error).message, d.token_endpoint)
      }
      if (payload.nonce !== nonce) {
        throw new OidcError('oidc_nonce', 'the ID token has another nonce', d.token_endpoint)
      }
      return identityFrom(payload)
    },
  }
}

export type OidcProvider = ReturnType<typeof oidcProvider>

function identityFrom(p: JWTPayload): Identity {
  const groups = Array.isArray(p.groups)
    ? p.groups.filter((g): g is string => typeof g === 'string').slice(0, 256)
    : []
  return { subject: typeof p.sub === 'string' ? p.sub : '', groups }
}
