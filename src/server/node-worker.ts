/**
 * @module One worker of `--workers N` (node:cluster), seen from inside: what this process does
 * differently from a lone server, and its IPC link to the primary for /health and /metrics.
 *
 * Every worker runs the whole server with its own follower per file; cursors come from the
 * file's bytes, so a cursor from one worker resumes on any other. What must not happen N times
 * is decided here: the demo log is written by the primary, only worker 1 publishes to Redis,
 * and the listening line goes to the primary, which prints it once.
 */
import cluster from 'node:cluster'
import { Metrics } from './metrics.js'
import type { GatherKind, Gathered, LocalReport, WorkerLink, WorkerReport } from './worker-stats.js'

/** Environment the primary gives each worker (node-cluster.ts). */
export const WORKER_ENV = {
  id: 'TAILLIGHT_WORKER_ID',
  count: 'TAILLIGHT_WORKERS_RUNNING',
  demo: 'TAILLIGHT_DEMO_FILE',
  port: 'TAILLIGHT_WORKER_PORT',
}

/** The options a worker adjusts; the CLI's options object has these and more. */
export interface WorkerOptions {
  port: number
  demo: boolean
  specs: { path: string }[]
  redis?: string
  maxClients: number
}

export interface WorkerRole {
  id: number
  /** Give to serve(): its /health and /metrics answer for every worker. */
  metrics: Metrics
  /** The listening line, printed by the primary once every worker listens. */
  announce(text: string): void
}

type Msg = { tl?: string; req?: number; kind?: GatherKind; q?: [string, string][] } & Record<
  string,
  unknown
>

/** The waiting for the primary's answer; past it the worker answers for itself alone. */
const GATHER_MS = 1000

/** In a cluster worker: adjusts `opts` for this process and returns its role; else undefined. */
export function workerRole(opts: WorkerOptions, env = process.env): WorkerRole | undefined {
  // Started by taillight's primary, not by some other cluster (pm2 runs apps as workers too).
  if (!cluster.isWorker || !env[WORKER_ENV.id]) return undefined
  const id = Number(env[WORKER_ENV.id])
  const count = Number(env[WORKER_ENV.count])
  const demo = env[WORKER_ENV.demo]
  if (opts.demo && demo) opts.specs.unshift({ path: demo })
  opts.demo = false
  // --port 0: the primary chose one port for all, and for the replacements too.
  if (env[WORKER_ENV.port]) opts.port = Number(env[WORKER_ENV.port])
  // --max-clients is the total: round-robin deals clients out evenly, so each takes its share.
  opts.maxClients = Math.max(1, Math.ceil(opts.maxClients / count))
  // One publisher per file: with files, worker 1 is the Redis watcher, the others only serve.
  if (opts.redis && opts.specs.length > 0 && id !== 1) delete opts.redis
  const metrics = new Metrics()
  metrics.workers = workerLink(id)
  return {
    id,
    metrics,
    announce: (text) => process.send?.({ tl: 'ready', text }),
  }
}

function workerLink(id: number): WorkerLink {
  const local: LocalReport = {}
  const report = (kind: GatherKind, q: Map<string, string>): WorkerReport => {
    const r: WorkerReport = { id, pid: process.pid, rss: process.memoryUsage.rss() }
    if (kind === 'health') r.health = local.health?.(q)
    else r.metrics = local.metrics?.(q)
    return r
  }
  // Identical requests in flight share one gather: a burst of scrapes costs one round.
  const inFlight = new Map<string, Promise<Gathered>>()
  const waiting = new Map<number, (g: Gathered) => void>()
  let next = 0
  process.on('message', (m: Msg) => {
    if (m.tl === 'report' && m.kind) {
      process.send?.({ tl: 'reported', req: m.req, report: report(m.kind, new Map(m.q ?? [])) })
    } else if (m.tl === 'gathered' && m.req !== undefined) {
      waiting.get(m.req)?.(m.gathered as Gathered)
    }
  })
  const gather = (kind: GatherKind, q: Map<string, string>): Promise<Gathered> => {
    const mine = report(kind, q)
    if (!process.connected) return Promise.resolve({ reports: [mine], missing: [] })
    const req = ++next
    return new Promise((resolve) => {
      const done = (g: Gathered) => {
        clearTimeout(timer)
        waiting.delete(req)
        resolve(g)
      }
      const timer = setTimeout(() => done({ reports: [mine], missing: [] }), GATHER_MS)
      waiting.set(req, done)
      process.send?.({ tl: 'gather', req, kind, q: [...q], report: mine })
    })
  }
  return {
    id,
    local,
    gather(kind, q) {
      const key = `${kind}\n${JSON.stringify([...q])}`
      let p = inFlight.get(key)
      if (!p) {
        p = gather(kind, q).finally(() => inFlight.delete(key))
        inFlight.set(key, p)
      }
      return p
    },
  }
}
