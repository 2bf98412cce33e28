/**
 * @module /health and /metrics over every worker of `--workers N`: a request reaches one worker,
 * but an operator asks about the whole server, so the answering worker gathers every worker's
 * figures (through a WorkerLink the Node adapter provides) and merges them here.
 *
 * Runtime-agnostic: the link is an interface; only its Node side knows about processes.
 */

/** One worker's answer to a gather: its own /health body or /metrics text. */
export interface WorkerReport {
  /** The worker's number, 1..N (stable across replacements: the `worker` label). */
  id: number
  pid: number
  rss: number
  health?: Record<string, unknown>
  metrics?: string
}

export interface Gathered {
  reports: WorkerReport[]
  /** Workers that did not answer within the gather's timeout (being replaced, or stuck). */
  missing: { id: number; pid: number }[]
}

export type GatherKind = 'health' | 'metrics'

/** What a worker reports for a request's query (the viewer decides which files are listed). */
export type LocalReport = {
  health?: (q: Map<string, string>) => Record<string, unknown>
  metrics?: (q: Map<string, string>) => string
}

export interface WorkerLink {
  readonly id: number
  /** Filled in by the routes that own each figure (api-routes.ts). */
  readonly local: LocalReport
  /** Every worker's report of `kind` for this query, this worker's included. */
  gather(kind: GatherKind, q: Map<string, string>): Promise<Gathered>
}

/**
 * The answering worker's body, with figures summed over the workers and a `workers` list:
 * `worker` says who answered, a worker that did not answer makes the status degraded.
 */
export function mergeHealth(self: number, g: Gathered): Record<string, unknown> {
  const mine = g.reports.find((r) => r.id === self) ?? g.reports[0]
  const out: Record<string, unknown> = { ...(mine?.health ?? {}) }
  let clients = 0
  let degraded = g.missing.length > 0
  const workers: Record<string, unknown>[] = []
  for (const r of [...g.reports].sort((a, b) => a.id - b.id)) {
    const h = r.health ?? {}
    const n = typeof h.clients === 'number' ? h.clients : 0
    clients += n
    if (h.status !== 'ok') degraded = true
    // A role only one worker runs (the Redis publisher) still shows up in the whole.
    for (const [k, v] of Object.entries(h)) if (!(k in out)) out[k] = v
    workers.push({
      id: r.id,
      pid: r.pid,
      status: h.status,
      clients: n,
      uptime: h.uptime,
      rss: r.rss,
    })
  }
  for (const m of g.missing) workers.push({ id: m.id, pid: m.pid, status: 'unresponsive' })
  workers.sort((a, b) => (a.id as number) - (b.id as number))
  return { ...out, status: degraded ? 'degraded' : 'ok', worker: self, clients, workers }
}

/**
 * One Prometheus exposition from N: each family keeps its HELP and TYPE once and gets every
 * worker's samples, each with a `worker` label, so sums and per-worker views both work.
 */
export function mergeMetrics(g: Gathered): string {
  const families = new Map<string, { head: string[]; samples: string[] }>()
  const reports = [...g.reports].sort((a, b) => a.id - b.id)
  for (const r of reports) {
    let fam: { head: string[]; samples: string[] } | undefined
    for (const line of (r.metrics ?? '').split('\n')) {
      if (line === '') continue
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line)
      if (meta) {
        const name = meta[2] as string
        fam = families.get(name)
        if (!fam) families.set(name, (fam = { head: [], samples: [] }))
        if (!fam.head.some((h) => h.startsWith(`# ${meta[1]} `))) fam.head.push(line)
        continue
      }
      if (line.startsWith('#')) continue
      if (!fam) families.set(line, (fam = { head: [], samples: [] }))
      fam.samples.push(withWorker(line, r.id))
    }
  }
  const out: string[] = []
  for (const f of families.values()) out.push(...f.head, ...f.samples)
  out.push(
    '# HELP taillight_workers_unresponsive Workers that did not answer this scrape in time.',
    '# TYPE taillight_workers_unresponsive gauge',
    `taillight_workers_unresponsive ${g.missing.length}`
  )
  return out.join('\n') + '\n'
}

/** `name{a="b"} 1` → `name{worker="2",a="b"} 1`; `name 1` → `name{worker="2"} 1`. */
function withWorker(sample: string, id: number): string {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(sample)
  if (!m) return sample
  const name = m[1] as string
  const rest = sample.slice(name.length)
  if (m[2]) {
    const inner = rest.slice(1)
    return `${name}{worker="${id}"${inner.startsWith('}') ? '' : ','}${inner}`
  }
  return `${name}{worker="${id}"}${rest}`
}
