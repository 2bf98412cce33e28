/**
 * @module Token check: `Authorization: Bearer T` or `?token=T` (EventSource cannot set headers).
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.js'

const encoder = new TextEncoder()

/** Compares in time that depends only on the expected token's length, not on the input. */
export function tokenMatches(given: string, expected: string): boolean {
  const a = encoder.encode(given)
  const b = encoder.encode(expected)
  let diff = a.length ^ b.length
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(1, a.length)] ?? 0) ^ (b[i] as number)
  return diff === 0 && b.length > 0
}

export function requireToken(
  token: string,
  open: (path: string) => boolean
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (open(c.req.path)) return next()
    const header = c.req.header('authorization')
    const m = header ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null
    const given = m?.[1] ?? c.get('query').get('token')
    if (given !== undefined && tokenMatches(given, token)) return next()
    c.header('WWW-Authenticate', 'Bearer realm="taillight"')
    return c.json({ error: { code: 'unauthorized', message: 'missing or wrong token' } }, 401)
  }
}
