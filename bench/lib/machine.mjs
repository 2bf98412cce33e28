/**
 * @module The machine a benchmark run was measured on (docs/benchmarks.md "Machine"): CPU, RAM,
 * kernel, the versions of everything compared, the open-files limit, the commit and the load.
 */
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { sh } from './run-step.mjs'

export function machine(root) {
  const cpus = os.cpus()
  const first = (s) => s?.split('\n')[0]
  const run = (cmd, args) => sh(root, cmd, args)
  const frontailPkg = join(root, '.bench-tmp/frontail/node_modules/frontail/package.json')
  const commit = run('git', ['rev-parse', '--short', 'HEAD'])
  const dirty = run('git', ['status', '--porcelain'])
  const wsVersion = run('dpkg-query', ['-W', '-f', '${Version}', 'websocketd'])
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${cpus[0]?.model ?? 'unknown'} (${cpus.length} logical CPUs)`,
    ram: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    os: first(run('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])) ?? 'unknown',
    tmpfs: run('stat', ['-f', '-c', '%T', os.tmpdir()]) ?? 'unknown',
    node: process.version,
    bun: run(join(root, 'node_modules/.bin/bun'), ['--version']) ?? 'not installed',
    deno: first(run(join(root, 'node_modules/.bin/deno'), ['--version'])) ?? 'not installed',
    frontail: existsSync(frontailPkg)
      ? JSON.parse(readFileSync(frontailPkg, 'utf8')).version
      : 'installed by the run',
    websocketd: wsVersion
      ? `${wsVersion} (Debian package)`
      : (run('websocketd', ['--version']) ?? 'not installed'),
    tail: first(run('tail', ['--version'])) ?? 'unknown',
    redis: run('redis-server', ['--version'])?.split(' ').slice(0, 3).join(' ') ?? 'not installed',
    chromium: first(run('chromium', ['--version'])) ?? 'not installed',
    fdLimit: run('sh', ['-c', 'ulimit -n']) ?? '?',
    commit: commit ? `${commit}${dirty ? ' with uncommitted changes' : ''}` : 'unknown',
    load: os.loadavg(),
  }
}
