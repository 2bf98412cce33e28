/**
 * @module The fan-out section of docs/benchmarks.md: taillight side by side with frontail and `tail -F |
 * websocketd`, then on Bun and Deno, with the targets of issue "Serve it".
 */
import { renderRuntimes } from './server-runtimes.mjs'
import { commandBlock, failure, int, mb, ms, runFacts, table } from './format.mjs'

export function renderServer([main, runtimes], ctx) {
  const lines = [
    '## SSE fan-out: taillight vs frontail vs `tail -F | websocketd`',
    '',
    `A writer appends one line at a time, 100 lines/s for ${ctx.P.serverSeconds} s, to a real file;`,
    'the server follows it; a separate load process holds every client and measures, for every',
    'line, the time from just before the write to its arrival. The last 100 clients to connect',
    '(the last served) parse every line for latency and order; every other client hashes what it',
    'receives, and equal hashes prove that every client got every line, in order. CPU is the',
    "server's (percent of one core) and memory its peak RSS, sampled from `/proc`; the load",
    "process's own CPU is the last column. All three servers are measured in the same run, one",
    'after the other, each with a fresh file and server.',
    '',
    '- **taillight**: `bin/taillight.js --port 0 --lines 0 --max-clients 20000 FILE`, clients on',
    '  `GET /events?lines=0` (SSE).',
    '- **frontail** (npm `frontail@4`, installed into `.bench-tmp/` for the benchmark only),',
    '  clients are socket.io 2 clients over WebSocket. frontail is run up to ' +
      `${int(ctx.frontailMax)} clients;`,
    '  above that its socket.io clients, one load process, and the 2-core box would make the run',
    '  much longer than the budget of this document.',
    '- **`tail -F | websocketd`**: websocketd (Debian package `websocketd`) serving one WebSocket per',
    '  client, each running its own `tail -n 1 -F FILE`; the file holds only `start` when clients',
    '  connect, and that one old line is how a client knows its tail follows the file (so every',
    '  measured line is new, as with `-n 0`). Clients are a minimal RFC 6455 client in the load',
    `  process. It forks one \`tail\` per client, so it is run only up to ${int(ctx.websocketdMax)} clients:`,
    '  10,000 clients would be 10,000 processes. Its CPU and memory are those of websocketd plus',
    '  all its tails, memory as PSS (shared pages split between processes, not counted once per',
    '  tail). Run as root, the benchmark starts it as `nobody` so that its tails use up nobody’s',
    "  inotify instances and not those of root's other processes.",
    '',
    commandBlock([main, runtimes].filter(Boolean)),
    '',
  ]
  if (!main.data) return [...lines, failure(main)].join('\n')
  const rows = main.data.rows
  const ws = main.data.websocketd
  const counts = [...new Set(rows.map((r) => r.clients))]
  const servers = ['taillight/node', 'frontail', 'websocketd']
  const label = {
    'taillight/node': 'taillight',
    frontail: 'frontail',
    websocketd: 'tail -F \\| websocketd',
  }
  const cell = (r) => {
    if (!r) return 'not run'
    if (r.error) return `failed (${r.error.slice(0, 60)})`
    const lost =
      r.verified < r.clients || !r.inOrder ? ` ⚠ ${int(r.verified)}/${int(r.clients)} complete` : ''
    return `${ms(r.p50)} / ${ms(r.p99)}${lost}`
  }
  const skippedWhy = (server, n) =>
    main.data.skipped.find((s) => (s.server === server || s.server === 'all') && s.clients === n)
  lines.push(
    'Side by side: write-to-client latency p50 / p99 in ms (⚠: not every client got every line in order).',
    '',
    table(
      ['clients', ...servers.map((s) => label[s])],
      counts.map((n) => [
        int(n),
        ...servers.map((s) => {
          const r = rows.find((x) => x.server === s && x.clients === n)
          if (r) return cell(r)
          if (s === 'websocketd' && !ws) return 'skipped: websocketd not installed'
          return skippedWhy(s, n)
            ? `not run (${s === 'websocketd' ? 'a process per client' : `above ${int(ctx.frontailMax)}`})`
            : 'not run'
        }),
      ])
    ),
    '',
    'In full:',
    '',
    table(
      [
        'server',
        'clients',
        'complete, in order',
        'p50 ms',
        'p99 ms',
        'max ms',
        'server CPU %',
        'server memory MB',
        'load process CPU %',
      ],
      rows.map((r) =>
        r.error
          ? [
              label[r.server] ?? r.server,
              int(r.clients),
              `failed: ${r.error}`,
              '–',
              '–',
              '–',
              '–',
              '–',
              '–',
            ]
          : [
              label[r.server] ?? r.server,
              int(r.clients),
              `${int(r.verified)} of ${int(r.clients)}${r.inOrder ? '' : ', **out of order or incomplete**'}`,
              ms(r.p50),
              ms(r.p99),
              ms(r.max),
              r.cpu.toFixed(0),
              `${mb(r.rss)}${r.server === 'websocketd' ? ' (PSS)' : ''}`,
              r.loadCpu.toFixed(0),
            ]
      )
    ),
    ''
  )
  if (!ws) {
    lines.push(
      '`tail -F | websocketd` was not measured: websocketd is not installed (Debian package',
      '`websocketd`: `apt-get install -y websocketd`).',
      ''
    )
  } else {
    const wsRows = rows.filter((r) => r.server === 'websocketd' && !r.error)
    const polling = wsRows.filter((r) => r.inotifyTails < r.clients)
    lines.push(
      `websocketd${ws.asNobody ? ' (run as nobody)' : ''}: this machine allows`,
      `${ws.inotifyMaxUserInstances} inotify instances per user (\`fs.inotify.max_user_instances\`;`,
      'the Linux default is 128). A `tail -F` that cannot get one falls back, without a word, to',
      'polling the file once a second (counted from `/proc/PID/fd` after the clients connected).',
      polling.length
        ? polling
            .map(
              (r) =>
                `At ${int(r.clients)} clients only ${int(r.inotifyTails)} tails had inotify and ` +
                `${int(r.clients - r.inotifyTails)} polled`
            )
            .join('; ') +
            ': a line waits up to a second for those, which is most of its latency there. The' +
            ' benchmark keeps the default: raising it is a system-wide sysctl.'
        : 'In this run every tail had inotify.',
      ''
    )
  }
  const tl = (n) => rows.find((r) => r.server === 'taillight/node' && r.clients === n && !r.error)
  const one = tl(1)
  const thousand = tl(1000)
  const tenk = tl(10000)
  lines.push(
    '| target (issue "Serve it", taillight on Node) | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'fan-out',
      '1 client: p50 ≤ 1 ms',
      one ? `${ms(one.p50)} ms` : 'not run',
      one && one.p50 <= 1
    ),
    ctx.targets.row(
      'fan-out',
      '1,000 clients: p99 ≤ 50 ms (frontail measured in the issue: about 3,000 ms)',
      thousand ? `${ms(thousand.p99)} ms` : 'not run',
      thousand && thousand.p99 <= 50
    ),
    ctx.targets.row(
      'fan-out',
      '10,000 clients: every line to every client, in order',
      tenk
        ? `${int(tenk.verified)} of ${int(tenk.clients)} complete, in order: ${tenk.inOrder}`
        : 'not run (--quick)',
      tenk && tenk.verified === tenk.clients && tenk.inOrder
    ),
    ctx.targets.row(
      'fan-out',
      '10,000 clients: p99 ≤ 500 ms',
      tenk ? `${ms(tenk.p99)} ms` : 'not run (--quick)',
      tenk && tenk.p99 <= 500
    ),
    ctx.targets.row(
      'fan-out',
      '10,000 clients: server RSS ≤ 300 MB',
      tenk ? `${mb(tenk.rss)} MB` : 'not run (--quick)',
      tenk && tenk.rss <= 300
    ),
    ''
  )
  if (runtimes) lines.push(...renderRuntimes(rows, runtimes))
  lines.push(`Run: ${runFacts([main, runtimes].filter(Boolean))}.`)
  return lines.join('\n')
}
