/**
 * @module GET /download: the file, or the range between two cursors, streamed a chunk per pull
 * (a client that stops reading holds one chunk, and is cut off once it stays stalled).
 */
import type { Context } from 'hono'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { historyBody } from './history-body.js'
import { cursorParam, ParamError } from './query.js'

const ROUTE = '/download'

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
    const body = await ctx.reads.run(ROUTE, () => source.openRange(from, to), false)
    if ('stale' in body && body.notHeld) throw notInStream(source.id, body.notHeld.watcher)
    if ('stale' in body) throw staleError(body.reason, 'from')
    const gzip = acceptsGzip(c.req.header('accept-encoding'))
    const headers: Record<string, string> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Disposition': disposition(source.path),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
      Vary: 'Accept-Encoding',
    }
    if (gzip) headers['Content-Encoding'] = 'gzip'
    else headers['Content-Length'] = String(to - from)
    if (c.req.method === 'HEAD') {
      await body.cancel()
      return new Response(null, { headers })
    }
    const reader = (
      gzip ? body.pipeThrough(new CompressionStream('gzip')) : body
    ).getReader() as ReadableStreamDefaultReader<Uint8Array>
    // One chunk per pull, each read in a pool slot; gzip's own buffers are a few chunks at most.
    const produce = async () => {
      const r = await ctx.reads.run(ROUTE, () => reader.read(), true)
      return r.done ? null : r.value
    }
    const cancel = () => void reader.cancel().catch(() => {})
    return new Response(historyBody(ctx, c, ROUTE, produce, cancel), { headers })
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

/** 409 for bytes older than a Redis edge's stream: where to read them instead, if known. */
function notInStream(id: string, watcher: string | null): ParamError {
  const where = watcher
    ? `the watcher serves them: ${new URL(`download?file=${encodeURIComponent(id)}`, watcher)}`
    : 'the watcher that publishes this file did not say where it serves them'
  return new ParamError(
    'not_in_stream',
    `the Redis stream no longer holds these bytes; ${where}`,
    'from',
    409
  )
}
