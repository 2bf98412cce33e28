/**
 * @module Serving under a reverse proxy's sub-path (`--base-path /logs`).
 *
 * Routes, asset lookups and path rules keep seeing `/`-rooted paths (`c.req.path`), so none of
 * them needs to know about the prefix; only what writes a path back to the browser (auth's
 * redirects and cookie Path, the OpenID callback URL) uses the base, or the full `c.req.url`.
 */
import type { MiddlewareHandler } from 'hono'
import { getPath } from 'hono/utils/url'
import type { AppEnv } from './context.js'

export interface BasePathError extends Error {
  code: 'bad_base_path'
  path: string
}

/** '' for the root, else `/a/b`: starts with `/`, no trailing `/`, no `.` or `..` segment. */
export function normalizeBasePath(input: string | undefined): string {
  if (input === undefined || input === '' || input === '/') return ''
  const bad = (why: string): never => {
    const err = new Error(`base path '${input}' ${why}`) as BasePathError
    err.code = 'bad_base_path'
    err.path = input
    throw err
  }
  if (!input.startsWith('/')) bad("must start with '/'")
  if (input.endsWith('/')) bad("must not end with '/'")
  if (!/^[A-Za-z0-9._~!$&'()*+,;=:@/-]+$/.test(input)) bad('has characters a URL path cannot hold')
  for (const seg of input.slice(1).split('/')) {
    if (seg === '' || seg === '.' || seg === '..') bad("has an empty, '.' or '..' segment")
  }
  return input
}

/**
 * Routing under `base` without copying requests: the app's `getPath` (Hono's option) gives
 * routes and middleware the path with the prefix cut, while `c.req.url` stays the URL the
 * browser used. The prefix matches on the decoded path and only at a segment boundary, so
 * `/logsx` is outside. A request outside is remembered here and answered by `outside`, which
 * runs right after the guards: `/` and the bare base redirect to `base/`, the rest is 404, so a
 * proxy that forwards too much exposes nothing.
 */
export function basePath(base: string): {
  getPath: (req: Request) => string
  outside: MiddlewareHandler<AppEnv>
} {
  const away = new WeakSet<Request>()
  const home = `${base}/`
  return {
    getPath(req) {
      const p = getPath(req)
      if (p.startsWith(home)) return p.slice(base.length)
      away.add(req)
      return p
    },
    async outside(c, next) {
      if (!away.has(c.req.raw)) return next()
      const p = c.req.path
      if ((p === '/' || p === base) && (c.req.method === 'GET' || c.req.method === 'HEAD')) {
        return c.redirect(home + new URL(c.req.url).search, 308)
      }
      return c.json({ error: { code: 'not_found', message: 'no such route' } }, 404)
    },
  }
}
