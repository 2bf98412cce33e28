/**
 * @module Serving under a reverse proxy's sub-path (`--base-path /logs`).
 *
 * The app inside keeps seeing `/`-rooted paths, so no route, asset lookup or path rule needs to
 * know about the prefix: a request under the base path reaches it with the prefix removed, and
 * only the few places that write a path back to the browser (auth's redirects and cookie) add it
 * again. Anything outside the base path is answered here: `/` and the bare base redirect to
 * `base/`, the rest is 404, so a proxy that forwards too much exposes nothing.
 */
import { Hono, type MiddlewareHandler } from 'hono'
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
 * The request as the inner app sees it: the prefix cut from the URL, the rest unchanged (headers,
 * body, abort signal). A proxy that decodes differently cannot smuggle a path past the prefix:
 * the match is on the raw path and only at a segment boundary.
 */
function strip(req: Request, base: string): Request | undefined {
  const url = new URL(req.url)
  const p = url.pathname
  if (!p.startsWith(base) || p.length === base.length || p[base.length] !== '/') return undefined
  url.pathname = p.slice(base.length)
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : req.body
  return new Request(url, {
    method: req.method,
    headers: req.headers,
    body,
    signal: req.signal,
    ...(body ? { duplex: 'half' } : {}),
  } as RequestInit)
}

/**
 * An app that serves `inner` under `base`: `guards` (the Host check and security headers) run
 * first on every request, inside the base path or not.
 */
export function mountAt(
  inner: Hono<AppEnv>,
  base: string,
  guards: MiddlewareHandler<AppEnv>[]
): Hono<AppEnv> {
  const outer = new Hono<AppEnv>()
  for (const g of guards) outer.use(g)
  const home = `${base}/`
  outer.on(['GET', 'HEAD'], ['/', base], (c) => {
    const q = new URL(c.req.url).search
    return c.redirect(home + q, 308)
  })
  outer.all('*', (c) => {
    const req = strip(c.req.raw, base)
    if (!req) return c.json({ error: { code: 'not_found', message: 'no such route' } }, 404)
    return inner.fetch(req, c.env)
  })
  return outer
}
