/**
 * @module Static files of the built viewer (web/dist), for the Node adapter.
 *
 * The directory is read once at start into a map of exact URL paths: a request can only ever
 * name one of those entries, never build a path, so `../`, encoded dots and symlinks lead
 * nowhere (symlinks are skipped when reading). A file whose name carries a hash of its content
 * (the stream worker's bundle, stream-worker.<hash>.js) never changes under that name, so it is
 * cached for a year; the rest is revalidated (no-cache, answered 304 while its ETag matches, so
 * a reload costs no bytes) and the page itself is never stored.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Assets } from './app.js'
import { concat } from './sse-frame.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** Replaced in the page by its seed script, or by nothing. */
export const SEED_MARK = '<!--taillight-seed-->'

/** name.<12 hex>.ext: the web build's content-hashed files. */
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/
const IMMUTABLE = 'public, max-age=31536000, immutable'

export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url))

interface Asset {
  bytes: Uint8Array
  type: string
  cache: string
  etag: string
}

/** Loads web/dist; undefined when it has no index.html (the app then serves its fallback page). */
export function loadAssets(dir = WEB_DIST): Assets | undefined {
  const files = new Map<string, Asset>()
  const walk = (abs: string, url: string, depth: number) => {
    let entries
    try {
      entries = readdirSync(abs, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue
      if (e.isDirectory() && depth < 4) walk(join(abs, e.name), `${url}${e.name}/`, depth + 1)
      else if (e.isFile()) {
        const type = TYPES[extname(e.name).toLowerCase()] ?? 'application/octet-stream'
        const cache = HASHED.test(e.name) ? IMMUTABLE : 'no-cache'
        const bytes = readFileSync(join(abs, e.name))
        const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`
        files.set(url + e.name, { bytes, type, cache, etag })
      }
    }
  }
  walk(dir, '/', 0)
  const index = files.get('/index.html')
  if (!index) return undefined
  files.delete('/index.html')
  // The page names the current build's files: a stored copy could name files no longer served.
  const page = { ...index, cache: 'no-store' }
  // Where the page carries its first lines (page-seed.ts): the marker is split out once.
  const text = new TextDecoder().decode(index.bytes)
  const at = text.indexOf(SEED_MARK)
  const around =
    at < 0 ? undefined : [text.slice(0, at), text.slice(at + SEED_MARK.length)].map(encode)
  const respond = (f: Asset, ifNoneMatch?: string) =>
    fresh(f.etag, ifNoneMatch)
      ? new Response(null, { status: 304, headers: headers(f) })
      : new Response(f.bytes, { headers: headers(f) })
  return {
    page: (seed) => {
      if (seed === undefined || !around) return respond(page)
      const [head, tail] = around as [Uint8Array, Uint8Array]
      const bytes = concat([head, encode(seed), tail])
      // Its bytes are this request's: no ETag of the stored page.
      return new Response(bytes, { headers: headers(page, false) })
    },
    get: (path, ifNoneMatch) => {
      const f = files.get(path)
      return f ? respond(f, ifNoneMatch) : undefined
    },
  }
}

function headers(f: Asset, etag = true): Record<string, string> {
  return {
    'Content-Type': f.type,
    'Cache-Control': f.cache,
    ...(etag && { ETag: f.etag }),
    'X-Content-Type-Options': 'nosniff',
  }
}

const encode = (s: string) => new TextEncoder().encode(s)

/** If-None-Match lists ETags (or `*`); a weak one (W/"...") still names the same bytes here. */
function fresh(etag: string, header: string | undefined): boolean {
  if (!header) return false
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*')
}
