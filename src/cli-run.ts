/**
 * @module The command once it serves: follow the files (or a Redis edge's streams), serve them,
 * say where, stop or reload on signals. Only a serving process loads it (never the primary of
 * `--workers N`); Redis, JWT and alerts load only when asked for: 10 to 27 MB of RSS each.
 */
import { reloadAlerts, startAlerts } from './cli-alerts.js'
import { edgeMeta, localFiles, type LocalFiles } from './cli-files.js'
import { say, version } from './cli-help.js'
import type { CliOptions } from './cli-options.js'
import { reload } from './cli-reload.js'
import { onSignals, started } from './cli-signals.js'
import type { LogSource } from './core/log-source.js'
import type { FileSource } from './follow/file-source.js'
import type { EdgeSources, WatcherPublishing } from './redis/roles.js'
import { hostAllowList } from './server/host-check.js'
import { startDemo, type Demo } from './server/node-demo.js'
import type { WorkerRole } from './server/node-worker.js'
import { serve, type RunningServer } from './server/serve.js'

/** Runs until a signal stops it; resolves with 0 once it serves, or 1 if it could not start. */
export async function run(
  opts: CliOptions,
  argv: string[],
  env: Record<string, string | undefined>,
  role: WorkerRole | undefined
): Promise<number> {
  const announce = role ? role.announce : (text: string) => void process.stdout.write(text)
  const roles = opts.redis ? await import('./redis/roles.js') : undefined
  let demo: Demo | undefined
  // With --workers N only worker 1 evaluates alerts: every worker follows every file, and N
  // workers would POST each alert N times.
  // On Redis a standby watcher keeps quiet about the files another watcher leads.
  const quiet = (s: LogSource) => publishing?.standsBy(s.id) ?? false
  const alerts = role && role.id !== 1 ? undefined : await startAlerts(opts, say, quiet)
  let local: LocalFiles | undefined
  let served: readonly LogSource[] = []
  let followed: FileSource[] = []
  let node: RunningServer | undefined
  let redis: WatcherPublishing | EdgeSources | undefined
  let publishing: WatcherPublishing | undefined
  const stop = async () => {
    await node?.close(400)
    await Promise.race([
      Promise.allSettled([
        local?.watch
          .stop()
          .then(() => Promise.all(local?.watch.list().map((f) => f.handle.close()) ?? [])),
        redis?.close(200),
      ]),
      new Promise((r) => setTimeout(r, 300)),
    ])
    demo?.stop()
    alerts?.close()
  }
  try {
    if (opts.demo) {
      demo = startDemo()
      opts.specs.unshift({ path: demo.path })
    }
    if (roles && opts.redis && (opts.edge || opts.specs.length === 0)) {
      redis = await roles.createEdgeSources(opts.redis, { connect: { cluster: opts.redisCluster } })
      served = redis.sources
    } else {
      local = localFiles(opts.specs, {
        poll: opts.poll,
        allowInsecureDir: opts.allowInsecureDir,
        maxFiles: opts.maxFiles,
        history: opts.history,
        log: say,
        onOpen: (s) => {
          alerts?.watch(s)
          // Files that start matching while the watcher runs are published too.
          publishing?.add(s)
        },
        onClose: (id) => void publishing?.remove(id),
      })
      await local.watch.scan()
      served = followed = local.watch.list().map((f) => f.handle)
    }
    node = await serve(
      {
        sources: served,
        fileMeta: local ? local.metaById() : edgeMeta(served, opts.specs),
        version: version(),
        token: opts.token,
        hostCheck: hostAllowList(opts.host, opts.allowedHosts),
        basePath: opts.basePath,
        oidc: opts.oidc && {
          ...opts.oidc,
          publicOrigin: opts.publicUrl ? new URL(opts.publicUrl).origin : undefined,
        },
        jwt: opts.auth
          ? (await import('./server/jwt-auth.js')).jwtVerifier({
              jwksUrl: opts.auth.jwks,
              issuer: opts.auth.issuer,
              audience: opts.auth.audience,
            })
          : undefined,
        maxClients: opts.maxClients,
        metrics: role?.metrics,
        lines: opts.lines,
        health: () => (redis ? { redis: redis.health() } : {}),
        metricsText: () =>
          (redis && roles ? roles.renderRedisMetrics(redis.health()) : '') +
          (alerts?.metrics.render() ?? ''),
      },
      { host: opts.host, port: opts.port, tls: opts.tls }
    )
    if (local) {
      local.serveIn(node.taillight.registry)
      local.watch.start()
    }
    // An edge serves files a watcher starts (or stops) publishing while it runs.
    if (redis?.role === 'edge') {
      const registry = node.taillight.registry
      redis.serveIn({
        add: (s) => {
          registry.add(s, edgeMeta([s], opts.specs).get(s.id))
        },
        remove: (id, reason) => registry.remove(id, reason),
      })
    }
    // Published: the files followed now, and (through onOpen/onClose) those that come and go.
    if (roles && opts.redis && local) {
      redis = publishing = roles.startWatcherPublishing(followed, opts.redis, {
        maxLen: opts.redisMaxLen,
        watcherUrl: node.url,
        connect: { cluster: opts.redisCluster },
        lease: { ttlMs: opts.redisLeaseMs },
      })
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    say(`${e.code ? `${e.code} ` : ''}${e.message}`)
    await stop()
    return 1
  }
  started(opts, node, served, local !== undefined, announce)
  const { registry } = node.taillight
  onSignals(stop, () => {
    if (!opts.config) return false
    reload(opts.config, local, registry, argv, env, opts.specs).catch((err) =>
      say(`reload of ${opts.config} failed: ${(err as Error).message}`)
    )
    if (alerts) reloadAlerts(alerts, argv, env, say)
    return true
  })
  return 0
}
