/**
 * @module The primary's half of a /health or /metrics gather under `--workers N`: the worker
 * that got the request sends its own report; the primary asks every other live worker for
 * theirs and answers with whatever arrived within a short wait, naming the workers that did
 * not answer. A stuck worker costs one timeout, never a hung scrape.
 */
import type { Worker } from 'node:cluster'
import type { Gathered, WorkerReport } from './worker-stats.js'

/** What the relay needs of the primary's worker slots. */
export interface GatherSlot {
  id: number
  pid: number
  ready: boolean
  worker?: Worker
}

export interface GatherRequest {
  req: number
  kind: string
  q: unknown
  report: WorkerReport
}

export class GatherRelay {
  readonly #open = new Map<
    number,
    { reports: WorkerReport[]; waiting: Set<number>; reply(): void }
  >()
  #next = 0

  constructor(
    private readonly slots: readonly GatherSlot[],
    private readonly ms = 300
  ) {}

  /** A worker asks for every worker's report. */
  ask(from: GatherSlot, m: GatherRequest): void {
    const others = this.slots.filter((s) => s !== from && s.ready && s.worker?.isConnected())
    const id = ++this.#next
    const g = { reports: [m.report], waiting: new Set(others.map((s) => s.id)), reply: () => {} }
    const timer = setTimeout(() => g.reply(), this.ms)
    g.reply = () => {
      clearTimeout(timer)
      this.#open.delete(id)
      const answered = new Set(g.reports.map((r) => r.id))
      const missing = this.slots
        .filter((s) => !answered.has(s.id))
        .map((s) => ({ id: s.id, pid: s.pid }))
      const out: Gathered = { reports: g.reports, missing }
      if (from.worker?.isConnected())
        from.worker.send({ tl: 'gathered', req: m.req, gathered: out })
    }
    this.#open.set(id, g)
    if (others.length === 0) return g.reply()
    for (const s of others) s.worker?.send({ tl: 'report', req: id, kind: m.kind, q: m.q })
  }

  /** A worker's answer to `ask`. */
  answered(req: number, report: WorkerReport): void {
    const g = this.#open.get(req)
    if (!g || !g.waiting.delete(report.id)) return
    g.reports.push(report)
    if (g.waiting.size === 0) g.reply()
  }

  /** A worker died: nobody waits for its answer any more. */
  gone(slot: GatherSlot): void {
    for (const g of [...this.#open.values()]) {
      if (g.waiting.delete(slot.id) && g.waiting.size === 0) g.reply()
    }
  }
}
