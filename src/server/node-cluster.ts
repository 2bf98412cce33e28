/**
 * @module `--workers N`: one port served by N processes (node:cluster, round-robin on Linux;
 * Node 20 has no SO_REUSEPORT). The CLI's hook: which part this process plays, the primary
 * (node-primary.ts), a worker (node-worker.ts) or, with N = 1, the lone server it always was.
 */
import cluster from 'node:cluster'
import { runPrimary } from './node-primary.js'
import { workerRole, type WorkerOptions, type WorkerRole } from './node-worker.js'

/**
 * The hook at the start of the CLI: in a worker, its role (and `opts` adjusted for it); with
 * N > 1 in the primary, the exit code once the workers run or failed; with N = 1, undefined
 * (one process, exactly as without the option).
 */
export async function clusterRole(
  opts: WorkerOptions & { workers: number; host: string },
  argv: string[],
  say: (line: string) => void
): Promise<number | WorkerRole | undefined> {
  const role = workerRole(opts)
  if (role || opts.workers <= 1) return role
  if (cluster.isWorker) return undefined
  if (!cluster.setupPrimary || 'Bun' in globalThis || 'Deno' in globalThis) {
    say('--workers above 1 needs Node (node:cluster); run one process per core instead')
    return 2
  }
  return runPrimary({ ...opts, argv, say }).catch((err: NodeJS.ErrnoException) => {
    say(`${err.code ? `${err.code} ` : ''}${err.message}`)
    return 1
  })
}
