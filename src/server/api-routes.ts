/**
 * @module JSON routes: /api/files, /api/lines (scrollback), /health and /metrics.
 */
import type { Context } from 'hono'
import { pickFile, staleError, type AppContext, type AppEnv } from './context.js'
import { cursorParam, intParam } from './query.js'
import { texts } from './sse-frame.js'

/** Byte cap of one scrollback read. */
const LINES_MAX_BYTES = 4 * 1024 * 1024

export function filesRoute(ctx: AppContext) {
  return (c: Context<AppEnv>) =>
    c.json(
      [...ctx.files.values()].map(({ source }) => {
        const info = source.info()
        return {
          id: source.id,
          path: source.path,
          size: info.size,
          backend: info.backend.backend,
          backendReason: info.backend.reason ?? null,
          state: info.state,
        }
      })
    )
}

export function linesRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>) => {
    const q = c.get('query')
    const { source } = pickFile(ctx, q)
    const before = cursorParam(q, 'before') ?? source.position().cursor
    const limit = intParam(q, 'limit', 1, 10_000, 100)
    const r = await source.readBefore(before, limit, LINES_MAX_BYTES)
    if ('stale' in r) throw staleError(r.reason, 'before')
    return c.json({
      file: source.id,
      lines: texts(r.lines),
      first: r.first,
      last: r.last,
      more: r.more,
      // Nothing older exists once the first line returned starts the file.
      atStart: r.lines.length === 0 || r.lines[0]?.offset === 0,
    })
  }
}

export function healthRoute(ctx: AppContext) {
  return (c: Context<AppEnv>) => {
    const files = [...ctx.files.values()].map(({ source }) => {
      const info = source.info()
      return {
        id: source.id,
        backend: info.backend.backend,
        backendReason: info.backend.reason ?? null,
        state: info.state,
      }
    })
    const extra = ctx.extraHealth?.() ?? {}
    const redis = extra.redis as { state?: string } | undefined
    const degraded = files.some((f) => f.state === 'error') || (redis && redis.state !== 'ready')
    return c.json({
      status: degraded ? 'degraded' : 'ok',
      version: ctx.version,
      uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
      files,
      clients: ctx.clients(),
      ...extra,
    })
  }
}

export function metricsRoute(ctx: AppContext) {
  return (c: Context<AppEnv>) =>
    c.body(
      ctx.metrics.render([...ctx.files.values()].map((f) => f.source)) +
        (ctx.extraMetrics?.() ?? ''),
      200,
      {
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      }
    )
}
