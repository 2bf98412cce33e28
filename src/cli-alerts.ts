/**
 * @module The command's alerts: rules from the config file, the public URL for permalinks, and
 * new rules on SIGHUP (a config with an error keeps the rules in force: reload says why).
 */
import type { Alerts, AlertsOptions } from './alerts/alerts.js'
import { parseCli, type CliOptions } from './cli-options.js'

/**
 * Alerts when a config file is given (SIGHUP may add rules later), else undefined. An edge
 * evaluates none: each file's leading watcher does (`quiet` keeps its standbys silent), so a
 * line is posted once however many edges serve it.
 */
export async function startAlerts(
  opts: CliOptions,
  log: (line: string) => void,
  quiet?: AlertsOptions['quiet']
): Promise<Alerts | undefined> {
  if (!opts.config && opts.alerts.length === 0) return undefined
  if (isEdge(opts)) {
    if (opts.alerts.length > 0) {
      log(
        `alerts: ${opts.alerts.length} rule${opts.alerts.length === 1 ? '' : 's'} not evaluated ` +
          'on an edge: the watcher leading each file posts them (give the rules to the watchers)'
      )
    }
    return undefined
  }
  // Loaded here: a command with no config file never pays for the alerts' code.
  const { Alerts } = await import('./alerts/alerts.js')
  return new Alerts(opts.alerts, { publicUrl: opts.publicUrl, log, quiet })
}

/** Serves what watchers publish: --edge, or --redis with no file (and no --demo) to follow. */
function isEdge(opts: CliOptions): boolean {
  return opts.redis !== undefined && (opts.edge || (opts.specs.length === 0 && !opts.demo))
}

export function reloadAlerts(
  alerts: Alerts,
  argv: string[],
  env: Record<string, string | undefined>,
  log: (line: string) => void
): void {
  let next
  try {
    next = parseCli(argv, env)
  } catch {
    return // the files' reload reports the same error
  }
  if (typeof next === 'string') return
  const before = alerts.size
  alerts.setRules(next.alerts)
  if (before !== 0 || next.alerts.length !== 0) {
    log(`alerts: ${next.alerts.length} rule${next.alerts.length === 1 ? '' : 's'} in force`)
  }
}
