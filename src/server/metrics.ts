/**
 * @module Counters for /metrics (Prometheus text format 0.0.4) and /health.
 *
 * Plain numbers bumped on the hot path; formatting happens only when scraped.
 */
import type { LogSource } from '../core/log-source.js'
import type { WorkerLink } from './worker-stats.js'

export interface FileCounters {
  linesRead: number
  bytesRead: number
  rotations: number
  truncations: number
  resets: number
  catchUps: number
  clients: number
}

export class Metrics {
  readonly files = new Map<string, FileCounters>()
  bytesSent = 0
  linesSent = 0
  dropped = { queue: 0, drain: 0 }
  /** `skipped` events sent to skip-ahead clients, and the line bytes they stood for. */
  skipped = 0
  skippedBytes = 0
  rejected = 0
  flushes = 0
  flushSeconds = 0
  /** Longest flush since the last scrape. */
  flushMaxSeconds = 0
  /** Seconds the event loop ran late, last sample; supplied by a LagMonitor. */
  lag: () => number = () => 0
  /** With --workers N: /health and /metrics answer for every worker through this link. */
  workers?: WorkerLink

  file(id: string): FileCounters {
    let f = this.files.get(id)
    if (!f) {
      f = {
        linesRead: 0,
        bytesRead: 0,
        rotations: 0,
        truncations: 0,
        resets: 0,
        catchUps: 0,
        clients: 0,
      }
      this.files.set(id, f)
    }
    return f
  }

  flushed(ms: number): void {
    this.flushes++
    this.flushSeconds += ms / 1000
    this.flushMaxSeconds = Math.max(this.flushMaxSeconds, ms / 1000)
  }

  clients(): number {
    let n = 0
    for (const f of this.files.values()) n += f.clients
    return n
  }

  render(sources: readonly LogSource[]): string {
    const out: string[] = []
    const metric = (name: string, type: string, help: string, rows: [string, number][]) => {
      out.push(`# HELP taillight_${name} ${help}`, `# TYPE taillight_${name} ${type}`)
      for (const [labels, v] of rows) out.push(`taillight_${name}${labels} ${v}`)
    }
    const perFile = (pick: (f: FileCounters) => number): [string, number][] =>
      sources.map((s) => [`{file="${label(s.id)}"}`, pick(this.file(s.id))])
    metric(
      'clients',
      'gauge',
      'Connected SSE clients.',
      perFile((f) => f.clients)
    )
    metric(
      'lines_read_total',
      'counter',
      'Lines read from followed files.',
      perFile((f) => f.linesRead)
    )
    metric(
      'bytes_read_total',
      'counter',
      'Bytes read from followed files.',
      perFile((f) => f.bytesRead)
    )
    metric(
      'rotations_total',
      'counter',
      'Rotations seen.',
      perFile((f) => f.rotations)
    )
    metric(
      'truncations_total',
      'counter',
      'Truncations seen.',
      perFile((f) => f.truncations)
    )
    metric(
      'resets_total',
      'counter',
      'Cursors that could not be resumed.',
      perFile((f) => f.resets)
    )
    metric(
      'catch_ups_total',
      'counter',
      'Resumes served from the file.',
      perFile((f) => f.catchUps)
    )
    metric('lines_sent_total', 'counter', 'Lines written to clients.', [['', this.linesSent]])
    metric('bytes_sent_total', 'counter', 'SSE bytes written to clients.', [['', this.bytesSent]])
    metric('slow_clients_dropped_total', 'counter', 'Clients dropped for being too slow.', [
      ['{reason="queue"}', this.dropped.queue],
      ['{reason="drain"}', this.dropped.drain],
    ])
    metric('skipped_total', 'counter', 'Skip-ahead jumps sent to clients (?skip=).', [
      ['', this.skipped],
    ])
    metric('skipped_bytes_total', 'counter', 'Line bytes skip-ahead clients were not sent.', [
      ['', this.skippedBytes],
    ])
    metric('clients_rejected_total', 'counter', 'Clients refused at --max-clients.', [
      ['', this.rejected],
    ])
    metric(
      'backend',
      'gauge',
      'Change-notification backend per file (1 = in use).',
      sources.map((s) => {
        const b = s.info().backend
        return [
          `{file="${label(s.id)}",backend="${b.backend}",reason="${label(b.reason ?? '')}"}`,
          1,
        ]
      })
    )
    metric('flushes_total', 'counter', 'Fan-out flushes (one write per client each).', [
      ['', this.flushes],
    ])
    metric('flush_seconds_total', 'counter', 'Time spent writing flushes to clients.', [
      ['', this.flushSeconds],
    ])
    metric('flush_max_seconds', 'gauge', 'Longest flush since the last scrape.', [
      ['', this.flushMaxSeconds],
    ])
    this.flushMaxSeconds = 0
    metric('event_loop_lag_seconds', 'gauge', 'Event-loop lag, last sample.', [['', this.lag()]])
    return out.join('\n') + '\n'
  }
}

/** Escapes a Prometheus label value. */
function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

/** Samples event-loop lag with a timer (works on every runtime). */
export function startLagMonitor(metrics: Metrics, intervalMs = 500): () => void {
  let last = 0
  let expected = performance.now() + intervalMs
  const timer = setInterval(() => {
    const now = performance.now()
    last = Math.max(0, now - expected) / 1000
    expected = now + intervalMs
  }, intervalMs)
  ;(timer as { unref?: () => void }).unref?.()
  metrics.lag = () => last
  return () => clearInterval(timer)
}
