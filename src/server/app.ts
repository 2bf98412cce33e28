/**
 * @module createApp: the Hono app of taillight, built from Web-standard APIs only.
 *
 * Runtime-specific pieces are injected: the SSE fast path (`transport`) and static assets
 * (`assets`) come from the Node adapter (node-serve.ts); without them the app still runs on any
 * runtime that speaks Request/Response, with a Web-stream SSE body and a minimal page.
 */
import { Hono, type Context } from 'hono'
import type { LogSource } from '../core/log-source.js'
import { bindViewer } from './access.js'
import { filesRoute, healthRoute, metricsRoute } from './api-routes.js'
import { requireAuth } from './auth.js'
import { basePath } from './base-path.js'
import { Broadcaster, type BroadcasterOptions } from './broadcaster.js'
import type { AppContext, AppEnv, FileEntry, SseTransport } from './context.js'
import { downloadRoute } from './download-route.js'
import { eventsRoute } from './events-route.js'
import { FileRegistry, type FileMeta } from './file-registry.js'
import { linesRoute } from './lines-route.js'
import { mergedLinesRoute } from './merged-lines.js'
import { Metrics, startLagMonitor } from './metrics.js'
import { requireHost, type HostCheck } from './host-check.js'
import type { JwtVerifier } from './jwt-auth.js'
import { oidcProvider, type OidcConfig } from './oidc-provider.js'
import { oidcSession } from './oidc-session.js'
import { fallbackPage } from './page.js'
import { pageSeed, seedScript } from './page-seed.js'
import { MAX_LINES, parseQuery, ParamError } from './query.js'
import { BusyError, ReadPool, type ReadPoolOptions } from './read-pool.js'
import { searchRoute } from './search-route.js'
import { securityHeaders } from './security-headers.js'

export interface Assets {
  /**
   * The viewer page for / and /log, carrying `seed` (an HTML fragment, page-seed.ts) where the
   * page marks its place; undefined selects the fallback page.
   */
  page(seed?: string): Response | undefined
  /**
   * A static asset by URL path (never index.html); undefined when there is none. With the
   * request's If-None-Match naming the asset's ETag: 304, no body.
   */
  get(path: string, ifNoneMatch?: string): Response | undefined
}

export interface AppDeps {
  /**
   * The files served at start (more come and go through Taillight.registry); the first one a
   * request may see is the default for ?file=. Ids must be unique.
   */
  sources: readonly LogSource[]
  /** Groups and lines of files by id (access.ts): known before the first request. */
  fileMeta?: ReadonlyMap<string, FileMeta>
  version: string
  /** Require this token on every route but /health (and static assets, which hold no data). */
  token?: string
  /** Accept JWT bearer tokens that this verifier accepts (jwtVerifier in jwt-auth.ts). */
  jwt?: JwtVerifier
  /** Browser sign-in with OpenID Connect: who may ask the provider (oidc-provider.ts). */
  oidc?: OidcConfig & { publicOrigin?: string }
  /** Answer only requests whose Host passes (hostAllowList in host-check.ts); undefined: any. */
  hostCheck?: HostCheck
  /** Serve everything under this path (normalizeBasePath in base-path.ts: '' or `/a/b`). */
  basePath?: string
  /** SSE clients across all files (default 10,000). */
  maxClients?: number
  /** Lines in `init` when ?lines= is absent (default 10). */
  lines?: number
  broadcaster?: BroadcasterOptions
  transport?: SseTransport
  assets?: Assets
  metrics?: Metrics
  /**
   * Per-request budget of /api/search (default 2 s and 8 GiB: a byte scan covers gigabytes in
   * that time; a line-by-line source meets the time budget first).
   */
  search?: { ms: number; bytes: number }
  /** History reads (lines, search, download) at once and waiting (default 4; 64 for 5 s). */
  reads?: ReadPoolOptions
  /** Cancel a history body its client has not pulled for this long (default 30,000 ms). */
  undrainedMs?: number
  /** Closes the connection of a cancelled body (the Node adapter destroys the socket). */
  dropConnection?: AppContext['bodies']['drop']
  onError?: (err: unknown) => void
  /** More fields for /health (the Redis role's state, for example). */
  health?: () => Record<string, unknown>
  /** More Prometheus text appended to /metrics. */
  metricsText?: () => string
}

export interface Taillight {
  app: Hono<AppEnv>
  fetch: (req: Request, env?: unknown) => Response | Promise<Response>
  files: ReadonlyMap<string, FileEntry>
  /** Adds, changes and removes served files while the app runs. */
  registry: FileRegistry
  metrics: Metrics
  clients(): number
  /** Ends every SSE stream and stops the timers; the sources stay open (the caller owns them). */
  close(): void
}

export function createApp(deps: AppDeps): Taillight {
  const metrics = deps.metrics ?? new Metrics()
  const stopLag = startLagMonitor(metrics)
  const onError = deps.onError ?? logError
  const files = new Map<string, FileEntry>()
  const registry = new FileRegistry(
    files,
    (source) => new Broadcaster(source, { onError, ...deps.broadcaster, metrics })
  )
  for (const source of deps.sources) registry.add(source, deps.fileMeta?.get(source.id))
  const clients = () => {
    let n = 0
    for (const f of files.values()) n += f.hub.size
    return n
  }
  const ctx: AppContext = {
    files,
    version: deps.version,
    startedAt: Date.now(),
    defaultLines: deps.lines ?? 10,
    maxLines: MAX_LINES,
    maxClients: deps.maxClients ?? 10_000,
    metrics,
    search: deps.search ?? { ms: 2_000, bytes: 8 * 1024 ** 3 },
    reads: new ReadPool(deps.reads),
    bodies: { idleMs: deps.undrainedMs ?? 30_000, drop: deps.dropConnection },
    clients,
    watchFiles: (fn) => registry.watch(fn),
    extraHealth: deps.health,
    extraMetrics: deps.metricsText,
  }

  const base = deps.basePath ?? ''
  const mount = base ? basePath(base) : undefined
  const app = new Hono<AppEnv>(mount ? { getPath: mount.getPath } : {})
  // First, so a rebound name learns nothing, not even which routes exist.
  if (deps.hostCheck) app.use(requireHost(deps.hostCheck))
  // CSP, frame-ancestors 'none', nosniff, and Referrer-Policy: no-referrer (a ?token= in the
  // page URL must not leak to other sites through Referer). The SSE fast path writes its own.
  app.use(securityHeaders())
  // Outside the base path: a redirect to it or 404, after the guards, before anything else.
  if (mount) app.use(mount.outside)
  app.use(async (c, next) => {
    c.set('query', parseQuery(c.req.url))
    await next()
  })
  const assets = deps.assets
  if (assets) {
    app.use(async (c, next) => {
      const res =
        c.req.method === 'GET' || c.req.method === 'HEAD'
          ? assets.get(c.req.path, c.req.header('if-none-match'))
          : undefined
      return res ?? next()
    })
  }
  if (deps.token !== undefined || deps.jwt || deps.oidc) {
    const oidc = deps.oidc && oidcSession({ provider: oidcProvider(deps.oidc), base, ...deps.oidc })
    app.use(
      requireAuth({ token: deps.token, jwt: deps.jwt, base, oidc }, (path) => path === '/health')
    )
    app.use(bindViewer())
  }
  const page = async (c: Context<AppEnv>) => {
    if (!assets) return fallbackPage()
    const seed = c.req.method === 'GET' ? await pageSeed(ctx, c.get('query')) : undefined
    return assets.page(seed && seedScript(seed)) ?? fallbackPage()
  }
  app.get('/', page)
  app.get('/log', page)
  app.get('/events', eventsRoute(ctx, deps.transport))
  app.get('/api/files', filesRoute(ctx))
  app.get('/api/lines', mergedLinesRoute(ctx), linesRoute(ctx))
  app.get('/api/search', searchRoute(ctx))
  app.get('/download', downloadRoute(ctx))
  app.get('/health', healthRoute(ctx))
  app.get('/metrics', metricsRoute(ctx))
  // Every route is read-only: another method on a known path is 405 with Allow, not 404, so a
  // client learns that the path exists and what it may do there.
  const routes = new Set(app.routes.map((r) => r.path).filter((p) => p !== '/*' && p !== '*'))
  app.notFound((c) => {
    if (routes.has(c.req.path) && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      c.header('Allow', 'GET, HEAD')
      return c.json(
        { error: { code: 'method_not_allowed', message: `${c.req.method} is not allowed here` } },
        405
      )
    }
    return c.json({ error: { code: 'not_found', message: 'no such route' } }, 404)
  })
  app.onError((err, c) => {
    if (err instanceof ParamError) {
      return c.json(
        { error: { code: err.code, message: err.message, param: err.param } },
        err.status
      )
    }
    if (err instanceof BusyError) {
      return c.json({ error: { code: err.code, message: err.message } }, 503, {
        'Retry-After': '1',
      })
    }
    onError(err)
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500)
  })

  return {
    app,
    fetch: (req, env) => app.fetch(req, env),
    files,
    registry,
    metrics,
    clients,
    close() {
      stopLag()
      for (const f of files.values()) f.hub.close()
    },
  }
}

/** One line per error, with its code and path: operators grep logs, they do not read stacks. */
function logError(err: unknown): void {
  const e = err as { code?: unknown; path?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? `${e.code} ` : ''
  const path = typeof e?.path === 'string' ? `${e.path}: ` : ''
  const message = typeof e?.message === 'string' ? e.message : String(err)
  console.error(`taillight: ${code}${path}${message}`)
}
