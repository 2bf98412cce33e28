/**
 * @module GET /download: the file, or the range between two cursors, streamed.
 */
import type { Context } from 'hono'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { cursorParam, ParamError } from './query.js'

export function downloadRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const fromCursor = cursorParam(q, 'from')
    const toCursor = cursorParam(q, 'to')
    const from =
      fromCursor === undefined ? 0 : await offsetOf(source.check.bind(source), fromCursor, 'from')
    const to =
      toCursor === undefined
        ? source.info().size
        : await offsetOf(source.check.bind(source), toCursor, 'to')
    if (from > to) throw new ParamError('bad_range', 'from is after to', 'from')
    const body = await source.openRange(from, to)
    if ('stale' in body) throw staleError(body.reason, 'from')
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': disposition(source.path),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding',
    }
    if (c.req.method === 'HEAD') {
      await body.cancel()
      return new Response(null, { headers })
    }
    if (acceptsGzip(c.req.header('accept-encoding'))) {
      headers['Content-Encoding'] = 'gzip'
      const gz = body.pipeThrough(new CompressionStream('gzip')) as ReadableStream<Uint8Array>
      return new Response(gz, { headers })
    }
    headers['Content-Length'] = String(to - from)
    return new Response(body, { headers })
  }
}

async function offsetOf(
  check: (cursor: string) => Promise<{ ok: true; offset: number } | { ok: false; reason: string }>,
  cursor: string,
  param: string
): Promise<number> {
  const r = await check(cursor)
  if (!r.ok) throw staleError(r.reason, param)
  return r.offset
}

/** gzip unless the client refuses it (q=0) or does not list it. */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (name !== 'gzip' && name !== '*') continue
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return !qp || Number(qp.slice(2)) > 0
  }
  return false
}

/** attachment; the file's base name, ASCII-safe plus RFC 5987 for the rest. */
export function disposition(path: string): string {
  const base = path.split(/[\\/]/).pop() || 'log.txt'
  const ascii = base.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(base)}`
}
