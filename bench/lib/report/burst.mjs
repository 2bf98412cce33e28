/**
 * @module The burst section of docs/benchmarks.md (issue 10): bench/burst.mjs (bursts of
 * millions of lines at disk speed, with the viewer in Chromium) and bench/rate.mjs (100,000
 * lines/s to one client, `tail -F` beside it), with each target met or missed.
 */
import { burstTargets } from '../burst-print.mjs'
import { commandBlock, failure, int, mb, ms, runFacts, table } from './format.mjs'

const mib = (bytes) => (bytes / 1048576).toFixed(bytes >= 1048576 ? 1 : 3)

function burstRows(bursts) {
  return bursts.map((r) =>
    r.error
      ? [int(r.lines), `failed: ${r.error}`, '–', '–', '–', '–', '–', '–', '–']
      : [
          int(r.lines),
          `${mb(r.fileMB)} MB in ${r.writeSeconds.toFixed(1)} s`,
          r.survived ? 'yes' : `**no** (${r.exit})`,
          mb(r.peakRssMb),
          int(r.events),
          mib(r.maxEventBytes),
          r.lastLineMs === undefined ? '–' : ms(r.lastLineMs, 0),
          r.exactlyOnce
            ? 'yes'
            : `**no**: ${int(r.received)} received, ${int(r.missing)} missing, ${r.duplicates} twice`,
          int(r.reconnects),
        ]
  )
}

function browserLines(b) {
  if (b.error) return [`Viewer during a burst: **failed**: ${b.error}`]
  return [
    table(
      [
        'lines',
        'written',
        'newest line on screen',
        'longest frame ms',
        'frame p99 ms',
        'JS heap MB (max / after GC)',
        '`skipped` marker',
        'server peak RSS MB',
      ],
      [
        [
          int(b.lines),
          `${mb(b.fileMB)} MB in ${b.writeSeconds.toFixed(1)} s`,
          b.newestLineMs === undefined
            ? `not within ${b.waitSeconds} s`
            : `${ms(b.newestLineMs, 0)} ms after the write ended`,
          ms(b.longestFrameMs, 0),
          ms(b.frameP99, 1),
          `${b.heapMaxMb.toFixed(0)} / ${b.heapAfterGcMb.toFixed(0)}`,
          b.skippedMarker ? 'yes' : 'no',
          mb(b.serverPeakRssMb),
        ],
      ]
    ),
  ]
}

function rateLines(r) {
  if (!r.data) return [failure(r)]
  const rows = r.data.rows.map((x) =>
    x.error
      ? [x.kind, `failed: ${x.error}`, '–', '–', '–', '–']
      : [
          x.kind,
          int(Math.round(x.achievedRate)),
          ms(x.p50),
          ms(x.p99),
          ms(x.max),
          x.exactlyOnce ? 'yes' : `**no** (${int(x.received)})`,
        ]
  )
  return [
    table(
      ['reader', 'lines/s written', 'p50 ms', 'p99 ms', 'max ms', 'every line once, in order'],
      rows
    ),
  ]
}

export function renderBurst([burst, rate], ctx) {
  const lines = [
    '## Bursts: millions of lines at disk speed (issue 10)',
    '',
    'For each burst size a fresh file and the real CLI (`taillight --port 0 FILE`), one fast SSE',
    'client in a process of its own (a raw HTTP client that reads the stream with flat memory and',
    'checks the sequence number in every line), and a writer process appending the lines in 1 MiB',
    'writes as fast as the disk takes them. Peak RSS is the server’s VmHWM from `/proc`; the',
    'largest event is the bytes of one `data:` line; the last line is timed from the end of the',
    'write to the end of the event that carries it (when an EventSource hands it to the page).',
    'Then the viewer in headless Chromium during one burst, and 100,000 lines/s to one client',
    'with `tail -F` read and timed the same way in the same run. Server, client, writer and',
    'browser share the 2 CPUs of this machine (and whatever else runs on it).',
    '',
    commandBlock([burst, rate].filter(Boolean)),
    '',
  ]
  if (!burst.data) lines.push(failure(burst), '')
  else {
    const d = burst.data
    lines.push(
      table(
        [
          'lines',
          'written',
          'server survived',
          'server peak RSS MB',
          'events',
          'largest event MiB',
          'last line at the client, ms after the write',
          'every line once, in order',
          'reconnects',
        ],
        burstRows(d.bursts)
      ),
      ''
    )
    if (d.browser) lines.push(...browserLines(d.browser), '')
  }
  if (rate) lines.push(...rateLines(rate), '')
  const judged = [...(burst.data ? burstTargets(burst.data) : []), ...(rate?.data?.targets ?? [])]
  lines.push('| target (issue 10) | this run | |', '| --- | --- | --- |')
  for (const t of judged) lines.push(ctx.targets.row('burst', t.target, t.measured, t.met))
  if (ctx.quick)
    lines.push(
      '',
      'With `--quick` the bursts are smaller than the issue’s 1M, 5M and 10M lines and the',
      'viewer’s burst is smaller than 3M: those targets are judged at the sizes run.'
    )
  lines.push('', `Run: ${runFacts([burst, rate].filter(Boolean))}.`)
  return lines.join('\n')
}
