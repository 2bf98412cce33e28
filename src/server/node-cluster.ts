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
  const execArgv = workerExecArgv(process.execArgv, process.env.NODE_OPTIONS)
  return runPrimary({ ...opts, argv, execArgv, say }).catch((err: NodeJS.ErrnoException) => {
    say(`${err.code ? `${err.code} ` : ''}${err.message}`)
    return 1
  })
}

/** The young generation of a worker, MB per semi-space (Node 20 on 64 bits: up to 16). */
export const WORKER_SEMI_SPACE_MB = 2

/**
 * Node flags for the workers: the primary's own, and a small young generation unless the
 * operator chose one (in them or in NODE_OPTIONS, which the workers inherit). Why: a worker's
 * heap is mostly its connections, which live long; what dies young is the garbage of a line's
 * fan-out, which fits in 2 MB. Measured at 20,000 clients on two workers: 60 MB less RSS
 * (about 30 MB a worker), p99 and CPU within run-to-run noise (docs/benchmarks.md).
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const flags = [...execArgv, ...nodeOptions.split(/\s+/)]
  if (flags.some((f) => /^--(max|min)[-_]semi[-_]space[-_]size\b/.test(f))) return [...execArgv]
  return [...execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`]
}
