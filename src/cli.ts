/**
 * @module The taillight command: parse options, follow the files, serve them, reload on SIGHUP.
 */
import { readFileSync } from 'node:fs'
import { HELP } from './cli-help.js'
import { edgeMeta, localFiles, type LocalFiles } from './cli-files.js'
import { plural, reload, say } from './cli-reload.js'
import { reloadAlerts, startAlerts } from './cli-alerts.js'
import { parseCli, UsageError } from './cli-options.js'
import { ConfigError } from './config/schema.js'
import type { LogSource } from './core/log-source.js'
import type { FileSource } from './follow/file-source.js'
import { createEdgeSources, renderRedisMetrics, startWatcherPublishing } from './redis/roles.js'
import type { EdgeSources, WatcherPublishing } from './redis/roles.js'
import { hostAllowList, isLoopback } from './server/host-check.js'
import { jwtVerifier } from './server/jwt-auth.js'
import { startDemo, type Demo } from './server/node-demo.js'
import { serve, type RunningServer } from './server/serve.js'

export { DEFAULT_PORT } from './cli-help.js'
export { parseCli, UsageError, type CliOptions } from './cli-options.js'

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** Parses, printing a usage or config error; a number is the exit code. */
function options(argv: string[], env: Record<string, string | undefined>) {
  try {
    return parseCli(argv, env)
  } catch (err) {
    if (err instanceof ConfigError || (err instanceof UsageError && err.config)) {
      say(err.message)
      return 2
    }
    if (!(err instanceof UsageError)) throw err
    say(`${err.message} (see taillight --help)`)
    return 2
  }
}

/** Runs the command; resolves with the exit code once started or failed (signals exit later). */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  const opts = options(argv, env)
  if (typeof opts === 'number') return opts
  if (opts === 'help' || opts === 'version') {
    process.stdout.write(opts === 'help' ? HELP : `${version()}\n`)
    return 0
  }
  if (opts.check) {
    const patterns = opts.specs.filter((s) => /[*?[]/.test(s.path)).length
    process.stdout.write(
      `taillight: ${opts.config} is valid: ${plural(opts.specs.length, 'file entry', 'file entries')} ` +
        `(${plural(patterns, 'pattern', 'patterns')}), port ${opts.port}${opts.auth ? ', JWT auth' : ''}\n`
    )
    return 0
  }
  // --workers N (node-cluster.ts): the primary runs the workers; a worker adjusts opts for itself.
  const role =
    opts.workers > 1
      ? await (await import('./server/node-cluster.js')).clusterRole(opts, argv, say)
      : undefined
  if (typeof role === 'number') return role
  const announce = role ? role.announce : (text: string) => void process.stdout.write(text)

  let demo: Demo | undefined
  // With --workers N only worker 1 evaluates alerts: every worker follows every file, and N
  // workers would POST each alert N times.
  // On Redis a standby watcher keeps quiet about the files another watcher leads.
  const quiet = (s: LogSource) => publishing?.standsBy(s.id) ?? false
  const alerts = role && role.id !== 1 ? undefined : startAlerts(opts, say, quiet)
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
    if (opts.redis && (opts.edge || opts.specs.length === 0)) {
      const edge = await createEdgeSources(opts.redis, { connect: { cluster: opts.redisCluster } })
      redis = edge
      served = edge.sources
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
          ? jwtVerifier({
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
          (redis ? renderRedisMetrics(redis.health()) : '') + (alerts?.metrics.render() ?? ''),
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
    if (opts.redis && local) {
      redis = publishing = startWatcherPublishing(followed, opts.redis, {
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
  const files = served.map((s) => `${s.path} (${s.id}, ${s.info().backend.backend})`).join(', ')
  const waiting = opts.specs.map((s) => s.path).join(', ')
  announce(
    `taillight ${version()} (${node.runtime}) listening on ${node.url}${opts.basePath.slice(1)}${opts.basePath ? '/' : ''}${opts.token ? ' (token required)' : ''}\n` +
      `following ${files || `nothing yet (waiting for ${waiting})`}\n`
  )
  if (!isLoopback(opts.host) && !opts.token && !opts.auth && !opts.oidc) {
    say(
      `warning: listening on ${opts.host} without --token: anyone who can reach ` +
        'this address can read every followed file; use a token (TAILLIGHT_TOKEN) or bind ' +
        '127.0.0.1 behind an authenticating proxy'
    )
  }
  // Never a silent fallback: polling costs latency, so say which file polls and why.
  for (const s of served) {
    const { backend, reason } = s.info().backend
    if (local && backend === 'poll' && reason !== 'forced') {
      say(`warning: polling ${s.path}: ${reason}`)
    }
  }
  let stopping = false
  const shutdown = () => {
    if (stopping) return process.exit(0)
    stopping = true
    // Exit within a second whatever happens.
    setTimeout(() => process.exit(0), 900).unref()
    void stop().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // A hang-up (a closed terminal, a service manager's reload) must not kill a log watcher
  // silently: with a config file it reloads the files, without one it says so and carries on.
  process.on('SIGHUP', () => {
    if (!opts.config || !node) {
      say('SIGHUP received: nothing to reload, still running')
      return
    }
    const { registry } = node.taillight
    reload(opts.config, local, registry, argv, env, opts.specs).catch((err) =>
      say(`reload of ${opts.config} failed: ${(err as Error).message}`)
    )
    if (alerts) reloadAlerts(alerts, argv, env, say)
  })
  return 0
}
