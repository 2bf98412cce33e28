/**
 * @module JWT bearer tokens verified against a JWKS (jose): sign-in through the company's
 * identity provider instead of one shared token.
 *
 * jose fetches the key set once, caches it, and fetches again when a token names a key it does
 * not know, so a provider's key rotation needs no restart. Web Crypto only: runs on Node, Bun
 * and Deno. The `groups` claim is what per-file access is decided on.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose'

export interface JwtOptions {
  /** Where the provider publishes its keys (https, or http on loopback for tests). */
  jwksUrl: string
  /** Required `iss`. */
  issuer?: string
  /** Required `aud`. */
  audience?: string
  /** Clock skew tolerated on exp/nbf, seconds (default 30). */
  clockToleranceSec?: number
  /** Shortest time between two fetches of the key set, ms (default 30,000). */
  jwksCooldownMs?: number
  /** A key set to use instead of fetching jwksUrl (tests, or keys from a file). */
  keys?: JWTVerifyGetKey
}

export interface Identity {
  subject: string
  groups: readonly string[]
}

export type JwtResult =
  { ok: true; identity: Identity } | { ok: false; code: string; message: string }

export type JwtVerifier = (token: string) => Promise<JwtResult>

/** Three base64url parts: worth handing to the verifier, not a static token. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token)
}

export function jwtVerifier(o: JwtOptions): JwtVerifier {
  const keys =
    o.keys ??
    createRemoteJWKSet(new URL(o.jwksUrl), { cooldownDuration: o.jwksCooldownMs ?? 30_000 })
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: o.issuer,
        audience: o.audience,
        clockTolerance: o.clockToleranceSec ?? 30,
      })
      return {
        ok: true,
        identity: { subject: String(payload.sub ?? ''), groups: groupsOf(payload.groups) },
      }
    } catch (err) {
      return { ok: false, ...describe(err) }
    }
  }
}

/** `groups` as an array of strings, or a space/comma separated string (some providers). */
function groupsOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((g): g is string => typeof g === 'string')
  if (typeof v === 'string') return v.split(/[\s,]+/).filter(Boolean)
  return []
}

function describe(err: unknown): { code: string; message: string } {
  if (err instanceof errors.JWTExpired) return { code: 'token_expired', message: 'token expired' }
  if (err instanceof errors.JWTClaimValidationFailed) {
    return { code: 'token_claim', message: `token claim ${err.claim} rejected: ${err.reason}` }
  }
  if (
    err instanceof errors.JWKSNoMatchingKey ||
    err instanceof errors.JWSSignatureVerificationFailed
  ) {
    return { code: 'token_signature', message: 'token not signed by a key of the JWKS' }
  }
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JOSEError) {
    return { code: 'token_invalid', message: `token rejected: ${(err as Error).message}` }
  }
  // The key set could not be fetched: say so, the operator needs to know it is not the token.
  return { code: 'jwks_unavailable', message: `cannot check tokens: ${(err as Error)?.message}` }
}
