/**
 * @module The `--workers` section of docs/benchmarks.md: the fan-out benchmark with taillight as
 * one process and as a primary with two workers, side by side in one run, with the targets of
 * issue 14 ("Every core on one box") and what the run's load average says about them.
 */
import { commandBlock, failure, int, mb, ms, runFacts, table } from './format.mjs'

/** Load above this many runnable processes per CPU: the figures measure waiting for a CPU. */
const BUSY_PER_CPU = 1.5

export function renderWorkers([r], ctx) {
  const lines = [
    '## One process or two: `--workers 1` and `--workers 2`',
    '',
    'The fan-out benchmark above, with taillight run as `--workers 1` (one process, no cluster)',
    'and `--workers 2` (a primary and two workers on the same port) side by side in one run, each',
    `with a fresh file and server, ${r.data?.rate ?? 100} lines/s for ${r.data?.seconds ?? ctx.P.serverSeconds} s per run:`,
    '',
    commandBlock([r]),
    '',
    'The clients are held by `bench/load/sse-load.c` (`--load c`), one epoll loop per 10,000',
    'clients, not by the Node load process of the section above: that one costs about as much CPU',
    'per client as the server, and on a 2-core box it takes the core a second worker would use.',
    'Every client parses every line: latency is over every line at every client, and a client is',
    'complete when it got lines 0 to N−1, each once, in order.',
    '',
    'With `--workers 2`, CPU and RSS are summed over the primary and both workers. RSS counts the',
    'pages the processes share (code, the addon) once per process, so it errs high; PSS, taken at',
    'the end of the run, splits them.',
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const rows = r.data.rows.filter((x) => x.server === 'taillight/node')
  const top = Math.max(...rows.map((x) => x.clients))
  for (const x of r.data.skipped ?? []) {
    lines.push(`Not run: ${x.server} at ${int(x.clients)} clients (${x.reason}).`, '')
  }
  if (top < 20000 && top >= 15000) {
    lines.push(`**20,000 clients were not run**: ${int(top)} is the largest count in this run.`, '')
  }
  const cpus = ctx.cpus
  const busy = Math.max(...r.load) > BUSY_PER_CPU * cpus
  if (busy) {
    lines.push(
      `**This run was made on a loaded box** (1-minute load ${r.load.map((x) => x.toFixed(1)).join(' before, ')} after, on`,
      `${cpus} CPUs): at the larger counts the figures include waiting for a CPU, not only taillight.`,
      ''
    )
  }
  const cell = (x) => `${int(x.verified)} of ${int(x.clients)}${x.inOrder ? '' : ', **no**'}`
  lines.push(
    'write-to-client latency in ms; p50 and p99 stop at the histogram’s 10 s (≥ 10,000).',
    '',
    table(
      [
        'workers',
        'clients',
        'complete, in order',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU %',
        'server RSS MB',
        'load process CPU %',
      ],
      rows.map((x) =>
        x.error
          ? [String(x.workers), int(x.clients), `failed: ${x.error}`, '–', '–', '–', '–', '–', '–']
          : [
              String(x.workers),
              int(x.clients),
              cell(x),
              ms(x.p50),
              ms(x.p99),
              ms(x.max),
              x.cpu.toFixed(0),
              x.pss === undefined ? mb(x.rss) : `${mb(x.rss)} (PSS ${mb(x.pss)})`,
              x.loadCpu.toFixed(0),
            ]
      )
    ),
    ''
  )
  const two = (n) => rows.find((x) => x.workers === 2 && x.clients === n && !x.error)
  const notRun = ctx.quick ? 'not run (--quick)' : 'not run'
  const tenk = two(10000)
  // The largest count stands in for 20,000 only when the fd limit is what kept it lower.
  const big = top >= 15000 ? two(top) : undefined
  const asked = big && top < 20000 ? ` (measured at ${int(top)})` : ''
  const complete = (x) => x.verified === x.clients && x.inOrder
  const onBusy = (met) => (busy && met === false ? 'missed on a loaded box' : met)
  lines.push(
    '| target (issue 14, "Every core on one box", `--workers 2`) | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'workers',
      '10,000 clients at 100 lines/s: every line delivered',
      tenk ? `${int(tenk.verified)} of ${int(tenk.clients)}` : notRun,
      tenk && onBusy(complete(tenk))
    ),
    ctx.targets.row(
      'workers',
      '10,000 clients: p99 ≤ 150 ms',
      tenk ? `${ms(tenk.p99)} ms` : notRun,
      tenk && onBusy(tenk.p99 <= 150)
    ),
    ctx.targets.row(
      'workers',
      `20,000 clients: every line delivered, p99 ≤ 500 ms${asked}`,
      big ? `${int(big.verified)} of ${int(big.clients)}, p99 ${ms(big.p99)} ms` : notRun,
      big && onBusy(complete(big) && big.p99 <= 500)
    ),
    ctx.targets.row(
      'workers',
      `20,000 clients: total RSS ≤ 400 MB${asked}`,
      big ? `${mb(big.rss)} MB RSS, ${mb(big.pss)} MB PSS` : notRun,
      big && (big.rss <= 400 ? true : big.pss <= 400 ? 'PSS met, RSS missed' : false)
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}
