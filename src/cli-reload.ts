/**
 * @module SIGHUP with a config file: read it again and apply its files; a file with an error
 * changes nothing. Only `files:` is applied (other options need a restart).
 */
import { edgeMeta, type LocalFiles } from './cli-files.js'
import { plural, say } from './cli-help.js'
import { parseCli, UsageError } from './cli-options.js'
import { ConfigError } from './config/schema.js'
import type { FileSpec } from './config/schema.js'
import type { FileRegistry } from './server/file-registry.js'

/** Re-reads the config; the files change, other options need a restart. Errors keep the old. */
export async function reload(
  path: string,
  local: LocalFiles | undefined,
  registry: FileRegistry,
  argv: string[],
  env: Record<string, string | undefined>,
  /** The entries in force, replaced in place: what names files opened later (a Redis edge). */
  specs: FileSpec[]
): Promise<void> {
  let next
  try {
    next = parseCli(argv, env)
  } catch (err) {
    if (!(err instanceof ConfigError || err instanceof UsageError)) throw err
    say(`reload of ${path} failed, still running the previous config: ${err.message}`)
    return
  }
  if (typeof next === 'string') return
  specs.splice(0, specs.length, ...next.specs)
  if (!local) {
    // An edge serves what watchers publish: only the groups and lines of its files change.
    const served = [...registry.files.values()].map((f) => f.source)
    for (const [id, m] of edgeMeta(served, specs)) registry.update(id, m)
    say(`reloaded ${path}: ${plural(served.length, 'file', 'files')} (+0, -0)`)
    return
  }
  const { added, removed } = await local.watch.reload(next.specs)
  say(`reloaded ${path}: ${plural(local.watch.size, 'file', 'files')} (+${added}, -${removed})`)
}
