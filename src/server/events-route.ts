/**
 * @module GET /events: the Server-Sent Events stream of one file.
 *
 * Once a stream is accepted it is always a 200 text/event-stream: EventSource gives up for good
 * on any other status, so a full server answers with `event: error` and a long `retry:` instead.
 */
import type { Context } from 'hono'
import { pickFile, type AppContext, type AppEnv, type SseTransport } from './context.js'
import { mergedFiles, startMerged } from './merged-route.js'
import { intParam } from './query.js'
import { createStreamSink, type SseSink } from './sink.js'
import { encodeEvent } from './sse-frame.js'

export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
  'X-Content-Type-Options': 'nosniff',
}

const FULL_RETRY_MS = 30_000
export const MIN_SKIP = 64 * 1024
export const MAX_SKIP = 1_000_000_000

export function eventsRoute(ctx: AppContext, transport?: SseTransport) {
  return (c: Context<AppEnv>) => {
    const q = c.get('query')
    // `file=*`: the merged view of every file the request may read (merged-route.ts).
    const merged = q.get('file') === '*'
    const file = merged ? undefined : pickFile(ctx, q)
    const lines = intParam(q, 'lines', 0, ctx.maxLines, file?.lines ?? ctx.defaultLines)
    // Opt-in skip-ahead: at least a few events' worth, at most what a file plausibly holds.
    const skip = q.has('skip') ? intParam(q, 'skip', MIN_SKIP, MAX_SKIP, 0) : undefined
    // Validated by the broadcaster: a malformed cursor is answered with reset + init, not 400.
    const cursor = c.req.header('last-event-id') || q.get('lastEventId') || undefined
    if (c.req.method === 'HEAD') return new Response(null, { headers: SSE_HEADERS })
    if (ctx.clients() >= ctx.maxClients) {
      ctx.metrics.rejected++
      // The same jittered 30-60 s either way, so refused clients do not all come back at once.
      const retry = FULL_RETRY_MS + Math.floor(Math.random() * FULL_RETRY_MS)
      if (!(c.req.header('accept') ?? '').includes('text/event-stream')) {
        return c.json({ error: { code: 'server_full', message: 'too many clients' } }, 503, {
          'Retry-After': String(Math.ceil(retry / 1000)),
        })
      }
      const body = encodeEvent('error', { error: 'server-full', message: 'too many clients' })
      const text = `retry: ${retry}\n` + new TextDecoder().decode(body)
      return new Response(text, { headers: SSE_HEADERS })
    }
    const asked = q.has('lines') ? lines : undefined
    const attach = (sink: SseSink) =>
      file
        ? file.hub.attach(sink, { lines, cursor, skip })
        : startMerged(ctx, sink, { q, lines: asked, cursor, skip })
    if (!file) mergedFiles(ctx, q) // a 404 before the stream starts, like an unknown id
    const fast = transport?.(c, SSE_HEADERS)
    if (fast) {
      attach(fast.sink)
      return fast.response
    }
    const { sink, body } = createStreamSink()
    attach(sink)
    return new Response(body, { headers: SSE_HEADERS })
  }
}
