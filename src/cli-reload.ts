/**
 * @module SIGHUP with a config file: read it again and apply its files; a file with an error
 * changes nothing. Only `files:` is applied (other options need a restart).
 */
import { edgeMeta, type LocalFiles } from './cli-files.js'
import { parseCli, UsageError } from './cli-options.js'
import { ConfigError } from './config/schema.js'
import type { LogSource } from './core/log-source.js'
import type { FileRegistry } from './server/file-registry.js'

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
export const say = (line: string) => process.stderr.write(`taillight: ${line}\n`)

/** Re-reads the config; the files change, other options need a restart. Errors keep the old. */
export async function reload(
  path: string,
  files: LocalFiles | readonly LogSource[],
  registry: FileRegistry,
  argv: string[],
  env: Record<string, string | undefined>
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
  if (!('watch' in files)) {
    // An edge serves a fixed set: only the groups and lines of its files change.
    for (const [id, m] of edgeMeta(files, next.specs)) registry.update(id, m)
    say(`reloaded ${path}: ${plural(files.length, 'file', 'files')} (+0, -0)`)
    return
  }
  const local = files
  const { added, removed } = await local.watch.reload(next.specs)
  say(`reloaded ${path}: ${plural(local.watch.size, 'file', 'files')} (+${added}, -${removed})`)
}
