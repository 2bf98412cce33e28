/**
 * @module The taillight command: parse the options, answer --help, --version and --check-config,
 * take a part in `--workers N`, then serve (cli-run.ts).
 *
 * Light on purpose: the primary of `--workers N` runs only this and the cluster code, and
 * everything a serving process needs is loaded by the import of cli-run.ts (25 MB of RSS on a
 * primary that would only pass connections on).
 */
import { HELP, plural, say, version } from './cli-help.js'
import { parseCli, UsageError } from './cli-options.js'
import { ConfigError } from './config/schema.js'

export { DEFAULT_PORT, version } from './cli-help.js'
export { parseCli, UsageError, type CliOptions } from './cli-options.js'

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
  const { run } = await import('./cli-run.js')
  return run(opts, argv, env, role)
}
