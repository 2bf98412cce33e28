/**
 * @module Small JSON routes: /api/files, /health and /metrics (/api/lines is lines-route.ts).
 */
import type { Context } from 'hono'
import type { LogSource } from '../core/log-source.js'
import type { FileInfoJson } from '../core/protocol.js'
import { visibleFiles } from './access.js'
import type { AppContext, AppEnv } from './context.js'
import { mergeHealth, mergeMetrics } from './worker-stats.js'

export function filesRoute(ctx: AppContext) {
  return (c: Context<AppEnv>) =>
    c.json(visibleFiles(ctx.files, c.get('query')).map(({ source }) => fileInfo(source)))
}

/** One file as /api/files lists it (and the page's seed carries it). */
export function fileInfo(source: LogSource): FileInfoJson {
  const info = source.info()
  return {
    id: source.id,
    path: source.path,
    size: info.size,
    backend: info.backend.backend,
    backendReason: info.backend.reason ?? null,
    state: info.state,
  }
}

export function healthRoute(ctx: AppContext) {
  const link = ctx.metrics.workers
  const local = () => {
    // Open without auth: group-restricted files are left out (their state still counts).
    const all = [...ctx.files.values()]
    const files = all.map(({ source, hub }) => {
      const info = source.info()
      // The reason a file cannot be followed (EACCES, EISDIR), not only on the server's stderr.
      const why = hub.fileState.current()
      return {
        id: source.id,
        backend: info.backend.backend,
        backendReason: info.backend.reason ?? null,
        state: info.state,
        ...(why?.code && { code: why.code }),
      }
    })
    const extra = ctx.extraHealth?.() ?? {}
    const redis = extra.redis as { state?: string } | undefined
    const degraded = files.some((f) => f.state === 'error') || (redis && redis.state !== 'ready')
    return {
      status: degraded ? 'degraded' : 'ok',
      version: ctx.version,
      uptime: Math.round((Date.now() - ctx.startedAt) / 1000),
      files: files.filter((_, i) => all[i]?.groups === undefined),
      clients: ctx.clients(),
      ...extra,
    }
  }
  if (!link) return (c: Context<AppEnv>) => c.json(local())
  // --workers N: this worker answers for all of them (worker-stats.ts).
  link.local.health = local
  return async (c: Context<AppEnv>) =>
    c.json(mergeHealth(link.id, await link.gather('health', c.get('query'))))
}

export function metricsRoute(ctx: AppContext) {
  const link = ctx.metrics.workers
  const local = (q: Map<string, string>) =>
    ctx.metrics.render(visibleFiles(ctx.files, q).map((f) => f.source)) +
    (ctx.extraMetrics?.() ?? '')
  if (link) link.local.metrics = local
  return async (c: Context<AppEnv>) =>
    c.body(
      link ? mergeMetrics(await link.gather('metrics', c.get('query'))) : local(c.get('query')),
      200,
      {
        'Content-Type': 'text/plain; version=0.0.4; charset=utf-8',
      }
    )
}
