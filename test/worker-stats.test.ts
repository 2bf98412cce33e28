/**
 * @module Merging /health and /metrics of `--workers N`: sums, per-worker rows, one HELP/TYPE
 * per family, the `worker` label on every sample, and workers that did not answer.
 */
import { describe, expect, it } from 'vitest'
import { mergeHealth, mergeMetrics, type WorkerReport } from '../src/server/worker-stats.js'

const report = (id: number, health: Record<string, unknown>, metrics = ''): WorkerReport => ({
  id,
  pid: 100 + id,
  rss: 1000 * id,
  health,
  metrics,
})

describe('mergeHealth', () => {
  it('sums clients, lists workers in order, keeps what only one worker reports', () => {
    const h = mergeHealth(2, {
      reports: [
        report(2, { status: 'ok', clients: 3, uptime: 5, files: ['b'] }),
        report(1, { status: 'ok', clients: 4, uptime: 9, files: ['a'], redis: { state: 'ready' } }),
      ],
      missing: [],
    })
    expect(h).toMatchObject({ status: 'ok', worker: 2, clients: 7, files: ['b'] })
    expect(h.redis).toEqual({ state: 'ready' })
    expect(h.workers).toEqual([
      { id: 1, pid: 101, status: 'ok', clients: 4, uptime: 9, rss: 1000 },
      { id: 2, pid: 102, status: 'ok', clients: 3, uptime: 5, rss: 2000 },
    ])
  })

  it('is degraded when one worker is, or one did not answer', () => {
    const one = (status: string) => report(1, { status, clients: 0 })
    expect(mergeHealth(1, { reports: [one('degraded')], missing: [] }).status).toBe('degraded')
    const late = mergeHealth(1, { reports: [one('ok')], missing: [{ id: 2, pid: 7 }] })
    expect(late.status).toBe('degraded')
    expect(late.workers).toEqual([
      { id: 1, pid: 101, status: 'ok', clients: 0, uptime: undefined, rss: 1000 },
      { id: 2, pid: 7, status: 'unresponsive' },
    ])
  })
})

describe('mergeMetrics', () => {
  const text = (n: number) =>
    [
      '# HELP taillight_clients Connected SSE clients.',
      '# TYPE taillight_clients gauge',
      `taillight_clients{file="a.log"} ${n}`,
      '# HELP taillight_lines_sent_total Lines written to clients.',
      '# TYPE taillight_lines_sent_total counter',
      `taillight_lines_sent_total ${n * 10}`,
      '# TYPE taillight_empty gauge',
      `taillight_empty{} ${n}`,
    ].join('\n') + '\n'

  it('keeps each family together with one HELP and TYPE and labels every sample', () => {
    const out = mergeMetrics({
      reports: [report(2, {}, text(2)), report(1, {}, text(1))],
      missing: [],
    })
    expect(out).toBe(
      [
        '# HELP taillight_clients Connected SSE clients.',
        '# TYPE taillight_clients gauge',
        'taillight_clients{worker="1",file="a.log"} 1',
        'taillight_clients{worker="2",file="a.log"} 2',
        '# HELP taillight_lines_sent_total Lines written to clients.',
        '# TYPE taillight_lines_sent_total counter',
        'taillight_lines_sent_total{worker="1"} 10',
        'taillight_lines_sent_total{worker="2"} 20',
        '# TYPE taillight_empty gauge',
        'taillight_empty{worker="1"} 1',
        'taillight_empty{worker="2"} 2',
        '# HELP taillight_workers_unresponsive Workers that did not answer this scrape in time.',
        '# TYPE taillight_workers_unresponsive gauge',
        'taillight_workers_unresponsive 0',
        '',
      ].join('\n')
    )
  })

  it('counts the workers that did not answer', () => {
    const out = mergeMetrics({ reports: [report(1, {}, text(1))], missing: [{ id: 2, pid: 9 }] })
    expect(out).toMatch(/^taillight_workers_unresponsive 1$/m)
    expect(out).not.toMatch(/worker="2"/)
  })
})
