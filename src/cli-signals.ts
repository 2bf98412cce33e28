/**
 * @module The serving command's dealings with its operator once it listens: where it listens,
 * the warnings about how it runs, and the signals (SIGINT and SIGTERM stop it, SIGHUP reloads
 * its config file).
 */
import { say, version } from './cli-help.js'
import type { CliOptions } from './cli-options.js'
import type { LogSource } from './core/log-source.js'
import { isLoopback } from './server/host-check.js'
import type { RunningServer } from './server/serve.js'

/**
 * The listening line (through `announce`: the primary prints it once for N workers), then what
 * is risky or slow in how it runs: never a silent open door or fallback.
 */
export function started(
  opts: CliOptions,
  node: RunningServer,
  served: readonly LogSource[],
  local: boolean,
  announce: (text: string) => void
): void {
  // A file refused at open (EINSECURE, EACCES: said on stderr) is served in its error state,
  // not followed: the line must not claim otherwise.
  const how = (s: LogSource) =>
    s.info().state === 'error' ? 'not followed: see the error' : s.info().backend.backend
  const files = served.map((s) => `${s.path} (${s.id}, ${how(s)})`).join(', ')
  const waiting = opts.specs.map((s) => s.path).join(', ')
  const base = `${opts.basePath.slice(1)}${opts.basePath ? '/' : ''}`
  announce(
    `taillight ${version()} (${node.runtime}) listening on ${node.url}${base}${opts.token ? ' (token required)' : ''}\n` +
      `following ${files || `nothing yet (waiting for ${waiting})`}\n`
  )
  if (!isLoopback(opts.host) && !opts.token && !opts.auth && !opts.oidc) {
    say(
      `warning: listening on ${opts.host} without --token: anyone who can reach ` +
        'this address can read every followed file; use a token (TAILLIGHT_TOKEN) or bind ' +
        '127.0.0.1 behind an authenticating proxy'
    )
  }
  // Polling costs latency, so say which file polls and why.
  for (const s of served) {
    const { backend, reason } = s.info().backend
    if (local && backend === 'poll' && reason !== 'forced') {
      say(`warning: polling ${s.path}: ${reason}`)
    }
  }
}

/**
 * SIGINT and SIGTERM stop (within a second whatever happens; a second signal exits at once).
 * `hangUp` reloads and answers whether there was anything to reload.
 */
export function onSignals(stop: () => Promise<void>, hangUp: () => boolean): void {
  let stopping = false
  const shutdown = () => {
    if (stopping) return process.exit(0)
    stopping = true
    setTimeout(() => process.exit(0), 900).unref()
    void stop().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // A hang-up (a closed terminal, a service manager's reload) must not kill a log watcher
  // silently: with a config file it reloads the files, without one it says so and carries on.
  process.on('SIGHUP', () => {
    if (!hangUp()) say('SIGHUP received: nothing to reload, still running')
  })
}
