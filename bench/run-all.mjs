#!/usr/bin/env node
/**
 * Runs every benchmark in bench/ with bounded parameters and writes docs/benchmarks.md: the
 * machine, each benchmark's command and figures, taillight side by side with frontail and
 * `tail -F | websocketd`, and each target from the issues with whether this run met it.
 *
 *   npm run bench                      (node bench/run-all.mjs: the full run, about 10-15 min)
 *   node bench/run-all.mjs --quick     (shorter runs, fewer clients: about 3 min)
 *   node bench/run-all.mjs --only follow,server [--out FILE]   (a subset, for trying things out)
 *   node bench/run-all.mjs --render    (no benchmarks: the document again from the saved results)
 *
 * Builds first when dist/ or web/dist/ is missing or older than the sources. Every benchmark
 * runs in its own process group with a time limit; one that fails or times out is reported as
 * such in the document and the others still run. Raw results go to .bench-tmp/run-all/.
 * Everything runs on 127.0.0.1; nothing system-wide is changed (no cache drops, no sysctls).
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT_DIR = join(ROOT, '.bench-tmp', 'run-all')
const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const option = (name) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : undefined
}
// --render: write the document again from the results the last run saved, running nothing.
const SAVED = flag('render') ? JSON.parse(readFileSync(join(OUT_DIR, 'results.json'))) : undefined
const QUICK = SAVED ? SAVED.quick : flag('quick')
const ONLY = option('only')?.split(',')
const DOC = resolve(ROOT, option('out') ?? 'docs/benchmarks.md')

// Parameters of the two modes. Every figure in the document comes from these runs.
const P = QUICK
  ? {
      followSamples: 200,
      tailSizes: [0.25, 1],
      tailIterations: 10,
      serverClients: '1,100,1000',
      serverSeconds: 3,
      runtimeClients: '1',
      redisClients: '1,1000',
      redisSeconds: 3,
      browserSeconds: 3,
      soakMinutes: 0,
    }
  : {
      followSamples: 500,
      tailSizes: [1, 10],
      tailIterations: 30,
      serverClients: '1,100,1000,10000',
      serverSeconds: 10,
      runtimeClients: '1,1000',
      redisClients: '1,10000',
      redisSeconds: 10,
      browserSeconds: 6,
      soakMinutes: 1,
    }
const FRONTAIL_MAX = 1000
const WEBSOCKETD_MAX = 1000

// ---------------------------------------------------------------------------------------------
// Running

const loadSamples = []
const sampleLoad = () => loadSamples.push(os.loadavg()[0])

function sh(cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], ...opts })
      .toString()
      .trim()
  } catch {
    return undefined
  }
}

/** Newest modification time of the files under dir (recursively), or 0. */
function newest(dir) {
  let t = 0
  if (!existsSync(dir)) return t
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}

function buildIfNeeded() {
  const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0)
  const tsStale = mtime(join(ROOT, 'dist/cli.js')) < newest(join(ROOT, 'src'))
  const web = ['index.html', 'style.css', 'favicon.svg'].map((f) => mtime(join(ROOT, 'web', f)))
  const webStale =
    mtime(join(ROOT, 'web/dist/app.js')) < Math.max(newest(join(ROOT, 'web/src')), ...web)
  if (tsStale || webStale) {
    console.log(`building (${[tsStale && 'dist/', webStale && 'web/dist/'].filter(Boolean)}) ...`)
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
    return true
  }
  console.log('dist/ and web/dist/ are up to date')
  return false
}

/**
 * One benchmark command: streamed to the console, captured, bounded by `limit` seconds (the
 * whole process group is ended then). Returns exit status, output, wall time, load average.
 */
async function exec(step) {
  const json = join(OUT_DIR, `${step.id}.json`)
  rmSync(json, { force: true })
  const args = step.args.map((a) => (a === '$JSON' ? json : a))
  const shown = [
    ...Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`),
    'node',
    ...args.map((a) => (a === json ? relative(ROOT, json) : a)),
  ].join(' ')
  console.log(`\n=== ${step.id}: ${shown}`)
  const load0 = os.loadavg()[0]
  const t0 = Date.now()
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...step.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a time-out ends its servers and clients too
  })
  let out = ''
  const take = (d) => {
    out += d
    process.stdout.write(d)
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    console.log(`\n${step.id}: time limit of ${step.limit} s reached, ending it`)
    try {
      process.kill(-child.pid, 'SIGTERM')
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5000).unref()
    } catch {
      // already gone
    }
  }, step.limit * 1000)
  const code = await new Promise((r) => child.on('close', (c, sig) => r(c ?? sig)))
  clearTimeout(timer)
  let data
  try {
    data = JSON.parse(readFileSync(json, 'utf8'))
  } catch {
    data = undefined
  }
  return {
    id: step.id,
    command: shown,
    code,
    timedOut,
    out,
    data,
    seconds: (Date.now() - t0) / 1000,
    load: [load0, os.loadavg()[0]],
  }
}

// ---------------------------------------------------------------------------------------------
// The benchmarks

const BENCHES = [
  {
    id: 'follow',
    steps: [
      {
        id: 'follow',
        args: ['bench/follow-latency.mjs', String(P.followSamples), '--json', '$JSON'],
        limit: 180,
      },
    ],
    render: renderFollow,
  },
  {
    id: 'tail',
    steps: P.tailSizes.map((gib) => ({
      id: `tail-${gib}gib`,
      env: { BENCH_GIB: String(gib), BENCH_ITERATIONS: String(P.tailIterations) },
      args: ['--expose-gc', 'bench/tail-big-file.mjs', '--json', '$JSON'],
      limit: 60 + gib * 30,
      gib,
    })),
    render: renderTail,
  },
  {
    id: 'server',
    steps: [
      {
        id: 'server',
        args: [
          'bench/server-latency.mjs',
          ...['--clients', P.serverClients, '--rate', '100', '--seconds', String(P.serverSeconds)],
          ...['--frontail', '--frontail-max', String(FRONTAIL_MAX)],
          ...['--websocketd', '--websocketd-max', String(WEBSOCKETD_MAX)],
          ...['--json', '$JSON'],
        ],
        limit: QUICK ? 300 : 900,
      },
      {
        id: 'server-runtimes',
        args: [
          'bench/server-latency.mjs',
          ...['--clients', P.runtimeClients, '--rate', '100', '--seconds', String(P.serverSeconds)],
          ...['--runtimes', 'bun,deno', '--json', '$JSON'],
        ],
        limit: QUICK ? 120 : 300,
      },
    ],
    render: renderServer,
  },
  {
    id: 'redis',
    steps: [
      {
        id: 'redis',
        args: [
          'bench/redis-latency.mjs',
          ...['--clients', P.redisClients, '--rate', '100', '--seconds', String(P.redisSeconds)],
          ...['--json', '$JSON'],
        ],
        limit: QUICK ? 180 : 420,
      },
    ],
    render: renderRedis,
  },
  {
    id: 'browser',
    steps: [
      {
        id: 'browser',
        args: [
          'bench/browser-throughput.mjs',
          ...['--rate', '10000', '--seconds', String(P.browserSeconds), '--json', '$JSON'],
        ],
        limit: 150,
      },
    ],
    render: renderBrowser,
  },
  {
    id: 'soak',
    steps: [
      {
        id: 'soak',
        args: ['bench/soak.mjs', '--minutes', String(P.soakMinutes)],
        limit: 60 * P.soakMinutes + 180,
      },
    ],
    render: renderSoak,
  },
]

// ---------------------------------------------------------------------------------------------
// Formatting

const targets = [] // { bench, target, measured, met } for the summary table

function target(bench, text, measured, met) {
  targets.push({ bench, target: text, measured, met })
  return `| ${text} | ${measured} | ${verdict(met)} |`
}

const verdict = (met) =>
  typeof met === 'string' ? met : met === undefined ? 'not measured' : met ? 'met' : '**missed**'
const ms = (v, digits = 2) =>
  v === undefined || v === null || Number.isNaN(v)
    ? '–'
    : v >= 1000
      ? `${Math.round(v).toLocaleString('en-US')}`
      : v.toFixed(v >= 100 ? 0 : digits)
const int = (n) => Number(n).toLocaleString('en-US')
const mb = (v) => (v === undefined ? '–' : v.toFixed(0))
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n')

function commandBlock(results) {
  return ['```sh', ...results.map((r) => r.command.replace(/ --json \S+/, '')), '```'].join('\n')
}

/** A failed, timed-out or skipped step, with the end of its output. */
function failure(r) {
  const why = r.timedOut
    ? `timed out after ${r.seconds.toFixed(0)} s`
    : r.code !== 0
      ? `exited with ${r.code}`
      : 'wrote no results'
  const tail = r.out.trim().split('\n').slice(-12).join('\n')
  return `**This run failed: ${why}.** The end of its output:\n\n\`\`\`text\n${tail}\n\`\`\``
}

const runFacts = (results) =>
  results
    .map(
      (r) =>
        `${r.id} ${r.seconds.toFixed(0)} s, ` +
        `load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after`
    )
    .join('; ')

// ---------------------------------------------------------------------------------------------
// Sections

function renderFollow([r]) {
  const lines = [
    '## Follower: write-to-`lines` latency, native vs polling',
    '',
    'Appends one line to a file and times until the follower (`dist/follow/follower.js`, in the',
    'same process) emits its `lines` event, then idles a random 2–20 ms; repeated for each sample,',
    'once with the native notifier (inotify through the addon) and once with forced stat polling.',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const rows = r.data.results.map((x) =>
    x.skipped
      ? [x.label, `skipped: ${x.skipped}`, '–', '–', '–', '–']
      : [
          x.label,
          x.backend + (x.reason ? ` (${x.reason})` : ''),
          int(x.samples),
          ms(x.p50, 3),
          ms(x.p99, 3),
          ms(x.max, 3),
        ]
  )
  const native = r.data.results.find((x) => x.label === 'native' && !x.skipped)
  lines.push(
    table(['follower', 'backend', 'samples', 'p50 ms', 'p99 ms', 'max ms'], rows),
    '',
    '| target (issue "Follower") | this run | |',
    '| --- | --- | --- |',
    target(
      'follower',
      'native p50 ≤ 0.2 ms',
      native ? `${ms(native.p50, 3)} ms` : 'native backend unavailable',
      native ? native.p50 <= 0.2 : undefined
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}

function renderTail(results) {
  const lines = [
    '## Last 10 lines of a big file: time and memory',
    '',
    'Writes a log file of realistic lines (64 MiB blocks), then reads its last 10 lines 30 times',
    '(fewer with `--quick`) from a fresh descriptor each time, with the native backward reader',
    '(`pread` in the addon) and its TypeScript twin, and reports the time and the largest RSS and',
    'heap growth across one read. It is run at two sizes to show that neither time nor memory',
    'depends on the size of the file. The page cache is warm (the tail of the file was just',
    'written); `BENCH_DROP_CACHES=1` gives cold reads but drops the cache of the whole machine, so',
    'the one-command run does not use it.',
    '',
    commandBlock(results),
    '',
  ]
  const ok = results.filter((r) => r.data)
  for (const r of results.filter((x) => !x.data)) lines.push(failure(r), '')
  if (!ok.length) return lines.join('\n')
  const rows = ok.flatMap((r) =>
    r.data.runs.map((x) => [
      `${(r.data.bytes / 1024 ** 3).toFixed(2)} GiB`,
      x.label,
      int(r.data.iterations),
      ms(x.p50, 3),
      ms(x.max, 3),
      (x.rssDelta / 1024 / 1024).toFixed(2),
      (x.heapDelta / 1024 / 1024).toFixed(2),
    ])
  )
  lines.push(
    table(
      [
        'file size',
        'reader',
        'reads',
        'p50 ms',
        'max ms',
        'max RSS growth MiB',
        'max heap growth MiB',
      ],
      rows
    ),
    ''
  )
  const big = ok.at(-1)
  const small = ok[0]
  const nat = (r) => r.data.runs.find((x) => x.label === 'native')
  const gib = (r) => (r.data.bytes / 1024 ** 3).toFixed(2)
  const tenGib = big.data.bytes >= 10 * 1024 ** 3
  const sizeNote = tenGib ? '' : ` (measured at ${gib(big)} GiB, not 10 GiB: --quick)`
  // "Independent of size": the larger file grows memory by no more than 1 MiB over the smaller.
  const growth = (r) => Math.max(nat(r).rssDelta, nat(r).heapDelta)
  const independent =
    ok.length > 1 && small !== big ? growth(big) <= growth(small) + 1024 * 1024 : undefined
  lines.push(
    '| target (issue "Native addon") | this run | |',
    '| --- | --- | --- |',
    target(
      'big file',
      `last 10 lines of 10 GB < 5 ms${sizeNote}`,
      `native max ${ms(nat(big).max, 3)} ms over ${big.data.iterations} reads of ${gib(big)} GiB`,
      nat(big).max < 5
    ),
    target(
      'big file',
      'memory independent of file size (growth at the larger size within 1 MiB of the smaller)',
      ok.length > 1
        ? `native: ${(growth(small) / 1048576).toFixed(2)} MiB at ${gib(small)} GiB, ` +
            `${(growth(big) / 1048576).toFixed(2)} MiB at ${gib(big)} GiB`
        : 'one size only',
      independent
    ),
    '',
    `Writing the files took ${ok.map((r) => `${r.data.writeSeconds.toFixed(1)} s (${gib(r)} GiB)`).join(', ')}. Run: ${runFacts(results)}.`
  )
  return lines.join('\n')
}

function renderServer([main, runtimes]) {
  const lines = [
    '## SSE fan-out: taillight vs frontail vs `tail -F | websocketd`',
    '',
    `A writer appends one line at a time, 100 lines/s for ${P.serverSeconds} s, to a real file;`,
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
      `${int(FRONTAIL_MAX)} clients;`,
    '  above that its socket.io clients, one load process, and the 2-core box would make the run',
    '  much longer than the budget of this document.',
    '- **`tail -F | websocketd`**: websocketd (Debian package `websocketd`) serving one WebSocket per',
    '  client, each running its own `tail -n 1 -F FILE`; the file holds only `start` when clients',
    '  connect, and that one old line is how a client knows its tail follows the file (so every',
    '  measured line is new, as with `-n 0`). Clients are a minimal RFC 6455 client in the load',
    `  process. It forks one \`tail\` per client, so it is run only up to ${int(WEBSOCKETD_MAX)} clients:`,
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
            ? `not run (${s === 'websocketd' ? 'a process per client' : `above ${int(FRONTAIL_MAX)}`})`
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
    target(
      'fan-out',
      '1 client: p50 ≤ 1 ms',
      one ? `${ms(one.p50)} ms` : 'not run',
      one && one.p50 <= 1
    ),
    target(
      'fan-out',
      '1,000 clients: p99 ≤ 50 ms (frontail measured in the issue: about 3,000 ms)',
      thousand ? `${ms(thousand.p99)} ms` : 'not run',
      thousand && thousand.p99 <= 50
    ),
    target(
      'fan-out',
      '10,000 clients: every line to every client, in order',
      tenk
        ? `${int(tenk.verified)} of ${int(tenk.clients)} complete, in order: ${tenk.inOrder}`
        : 'not run (--quick)',
      tenk && tenk.verified === tenk.clients && tenk.inOrder
    ),
    target(
      'fan-out',
      '10,000 clients: p99 ≤ 500 ms',
      tenk ? `${ms(tenk.p99)} ms` : 'not run (--quick)',
      tenk && tenk.p99 <= 500
    ),
    target(
      'fan-out',
      '10,000 clients: server RSS ≤ 300 MB',
      tenk ? `${mb(tenk.rss)} MB` : 'not run (--quick)',
      tenk && tenk.rss <= 300
    ),
    ''
  )
  if (runtimes) {
    lines.push('### The same server on Bun and Deno', '')
    if (!runtimes.data) lines.push(failure(runtimes), '')
    else {
      const all = [...rows.filter((r) => r.server === 'taillight/node'), ...runtimes.data.rows]
      const rc = [...new Set(runtimes.data.rows.map((r) => r.clients))]
      lines.push(
        'taillight under each runtime (Node from the run above), same load and method:',
        '',
        table(
          [
            'runtime',
            'clients',
            'complete, in order',
            'p50 ms',
            'p99 ms',
            'max ms',
            'CPU %',
            'RSS MB',
          ],
          all
            .filter((r) => rc.includes(r.clients))
            .sort((a, b) => a.clients - b.clients)
            .map((r) =>
              r.error
                ? [r.server, int(r.clients), `failed: ${r.error}`, '–', '–', '–', '–', '–']
                : [
                    r.server.replace('taillight/', ''),
                    int(r.clients),
                    `${int(r.verified)} of ${int(r.clients)}` +
                      (!r.inOrder
                        ? ', **no**'
                        : r.verified < r.clients && r.server.endsWith('deno')
                          ? ' by byte hash; all probes complete (see below)'
                          : r.verified < r.clients
                            ? ', **incomplete**'
                            : ''),
                    ms(r.p50),
                    ms(r.p99),
                    ms(r.max),
                    r.cpu.toFixed(0),
                    mb(r.rss),
                  ]
            )
        ),
        ''
      )
    }
  }
  lines.push(`Run: ${runFacts([main, runtimes].filter(Boolean))}.`)
  return lines.join('\n')
}

function renderRedis([r]) {
  const lines = [
    '## Scale-out: the Redis hop and an edge’s fan-out',
    '',
    'Same method as the fan-out benchmark (100 lines/s, every line timed from just before the',
    `write, ${P.redisSeconds} s per run), over two paths: **direct**, clients on the watcher's own`,
    'HTTP; **via edge**, watcher → `XADD` → Redis → `XREAD` → edge → clients. Its own',
    '`redis-server` on a free port, no persistence. CPU and RSS are those of the process serving',
    'the clients (the watcher for direct, the edge via Redis).',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const rows = r.data.rows
  lines.push(
    `${r.data.redis.split(' ').slice(0, 3).join(' ')}.`,
    '',
    table(
      ['path', 'clients', 'complete, in order', 'p50 ms', 'p99 ms', 'max ms', 'CPU %', 'RSS MB'],
      rows.map((x) => [
        x.via === 'edge' ? 'via Redis edge' : 'direct',
        int(x.clients),
        `${int(x.verified)} of ${int(x.clients)}${x.inOrder ? '' : ', **no**'}`,
        ms(x.p50),
        ms(x.p99),
        ms(x.max),
        x.cpu.toFixed(0),
        mb(x.rss),
      ])
    ),
    ''
  )
  const one = (via) => rows.find((x) => x.via === via && x.clients === 1)
  const big = Math.max(...rows.map((x) => x.clients))
  const edgeBig = rows.find((x) => x.via === 'edge' && x.clients === big)
  lines.push(
    '| what issue "Scale out" asks for | this run | |',
    '| --- | --- | --- |',
    target(
      'redis',
      'latency added by the Redis hop (no numeric target)',
      one('direct') && one('edge')
        ? `${ms(one('edge').p50 - one('direct').p50)} ms at p50, ${ms(one('edge').p99 - one('direct').p99)} ms at p99 (1 client)`
        : 'not run',
      one('direct') && one('edge') ? 'reported' : undefined
    ),
    target(
      'redis',
      `edge fan-out at 10,000 clients: every line to every client, in order${big < 10000 ? ` (measured at ${int(big)}: --quick)` : ''}`,
      edgeBig
        ? `${int(edgeBig.verified)} of ${int(edgeBig.clients)}, p99 ${ms(edgeBig.p99)} ms`
        : 'not run',
      edgeBig ? edgeBig.verified === edgeBig.clients && edgeBig.inOrder : undefined
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}

function renderBrowser([r]) {
  const lines = [
    '## Viewer: headless Chromium at 10,000 lines/s',
    '',
    'The real server follows a file while a writer appends 10,000 lines/s (in 10 ms ticks) and the',
    'page is open in headless Chromium (`/usr/bin/chromium`, software rendering, 1280×800). A',
    '`requestAnimationFrame` probe in the page records every frame interval; at the end the',
    'benchmark reads the JS heap (before and after a forced GC), the DOM size, and how long after',
    'the writer stopped the newest line was on screen.',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const d = r.data
  const fps = d.frames / d.writeSeconds
  lines.push(
    table(
      [
        'lines written',
        'rate',
        'frames',
        'frame p50 ms',
        'frame p99 ms',
        'longest frame ms',
        'JS heap MB (after GC)',
        'row elements',
        'DOM elements',
        'newest line on screen',
      ],
      [
        [
          int(d.total),
          `${int(Math.round(d.total / d.writeSeconds))}/s`,
          `${d.frames} (${fps.toFixed(0)} fps)`,
          ms(d.p50, 1),
          ms(d.p99, 1),
          ms(d.max, 1),
          `${d.heapMB.toFixed(1)} (${d.afterGc.toFixed(1)})`,
          int(d.rows),
          int(d.domNodes),
          `${int(d.lagMs)} ms after the writer stopped`,
        ],
      ]
    ),
    '',
    'Issue "The viewer" states its targets in words; the thresholds here are this document’s',
    'reading of them.',
    '',
    '| target (issue "The viewer") | this run | |',
    '| --- | --- | --- |',
    target(
      'viewer',
      'frames keep coming at 10,000 lines/s (≥ 30 fps, no frame longer than 1 s)',
      `${fps.toFixed(0)} fps, frame p99 ${ms(d.p99, 1)} ms, longest ${ms(d.max, 1)} ms`,
      fps >= 30 && d.max < 1000
    ),
    target(
      'viewer',
      'memory stays bounded (heap after GC < 100 MB, rows ≈ the visible ones, lines held ≤ cap)',
      `${d.afterGc.toFixed(1)} MB after GC, ${int(d.rows)} rows, ${int(d.stored)} lines held (cap ${int(d.cap)})`,
      d.afterGc < 100 && d.rows < 200 && d.stored <= d.cap + 1
    ),
    target('viewer', 'the newest line is on screen', `after ${int(d.lagMs)} ms`, true),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}

function renderSoak([r]) {
  const lines = ['## Soak: rotations, reconnects, stalls and kill -9 restarts', '']
  if (!r) {
    lines.push(
      QUICK
        ? 'Not run with `--quick`. The full run runs `node bench/soak.mjs --minutes 1`.'
        : '`bench/soak.mjs` does not exist yet in this checkout.'
    )
    return lines.join('\n')
  }
  const verdictLine = r.out.split('\n').find((l) => /^SOAK (PASS|FAIL)/.test(l))
  const text = r.out.trim().split('\n')
  const figures = text.slice(
    Math.max(
      0,
      text.findIndex((l) => /^lines written/.test(l))
    )
  )
  lines.push(
    'A shortened run of the soak test (10 minutes by default): 1,000 lines/s into a file that',
    'rotates ten times (rename, copytruncate, delete/recreate in turn), 1,000 SSE clients of which',
    'a tenth disconnect and resume and a few stall, and the server killed with SIGKILL and',
    'restarted twice. See the header of `bench/soak.mjs`.',
    '',
    commandBlock([r]),
    '',
    `The soak test proper is \`node bench/soak.mjs\` (10 minutes); this is its ${P.soakMinutes}-minute`,
    'variant, with every phase (rotations, kills, the RSS checkpoints) scaled down with it.',
    '',
    verdictLine ? `Verdict: \`${verdictLine}\`` : failure(r),
    '',
    '```text',
    ...(figures.length > 1 ? figures : text.slice(-20))
      .slice(0, 30)
      .map((l) => (l.length > 240 ? `${l.slice(0, 240)} …` : l)),
    '```',
    '',
    `Run: ${runFacts([r])}.`
  )
  targets.push({
    bench: 'soak',
    target: 'every client gets every line exactly once, in order; RSS at 90% within 10% of 20%',
    measured: verdictLine ?? 'no verdict',
    met: verdictLine ? verdictLine.startsWith('SOAK PASS') : false,
  })
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Machine

function machine() {
  const cpus = os.cpus()
  const first = (s) => s?.split('\n')[0]
  const frontailPkg = join(ROOT, '.bench-tmp/frontail/node_modules/frontail/package.json')
  const commit = sh('git', ['rev-parse', '--short', 'HEAD'])
  const dirty = sh('git', ['status', '--porcelain'])
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: `${cpus[0]?.model ?? 'unknown'} (${cpus.length} logical CPUs)`,
    ram: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.arch()}`,
    os: first(sh('sh', ['-c', '. /etc/os-release && echo "$PRETTY_NAME"'])) ?? 'unknown',
    tmpfs: sh('stat', ['-f', '-c', '%T', os.tmpdir()]) ?? 'unknown',
    node: process.version,
    bun: sh(join(ROOT, 'node_modules/.bin/bun'), ['--version']) ?? 'not installed',
    deno: first(sh(join(ROOT, 'node_modules/.bin/deno'), ['--version'])) ?? 'not installed',
    frontail: existsSync(frontailPkg)
      ? JSON.parse(readFileSync(frontailPkg, 'utf8')).version
      : 'installed by the run',
    websocketd: sh('dpkg-query', ['-W', '-f', '${Version}', 'websocketd'])
      ? `${sh('dpkg-query', ['-W', '-f', '${Version}', 'websocketd'])} (Debian package)`
      : (sh('websocketd', ['--version']) ?? 'not installed'),
    tail: first(sh('tail', ['--version'])) ?? 'unknown',
    redis: sh('redis-server', ['--version'])?.split(' ').slice(0, 3).join(' ') ?? 'not installed',
    chromium: first(sh('chromium', ['--version'])) ?? 'not installed',
    fdLimit: sh('sh', ['-c', 'ulimit -n']) ?? '?',
    commit: commit ? `${commit}${dirty ? ' with uncommitted changes' : ''}` : 'unknown',
    load: os.loadavg(),
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function runAll() {
  mkdirSync(OUT_DIR, { recursive: true })
  const started = Date.now()
  const machineInfo = machine()
  const m = machineInfo
  console.log(`run-all: ${QUICK ? 'quick' : 'full'} run, ${m.cpu}, load ${m.load[0].toFixed(2)}`)
  const built = buildIfNeeded()
  if (!existsSync(join(ROOT, 'build/Release/taillight.node')))
    console.log('note: the native addon is not built (npm run build:native); native rows will fail')
  sampleLoad()
  const sampler = setInterval(sampleLoad, 5000)
  const results = {}
  for (const b of BENCHES) {
    if (ONLY && !ONLY.includes(b.id)) continue
    let steps = b.steps
    if (b.id === 'soak' && (!P.soakMinutes || !existsSync(join(ROOT, 'bench/soak.mjs')))) steps = []
    results[b.id] = []
    for (const s of steps) results[b.id].push(await exec(s))
  }
  clearInterval(sampler)
  sampleLoad()
  const minutes = (Date.now() - started) / 60000
  const saved = { quick: QUICK, machine: machineInfo, built, loads: loadSamples, minutes, results }
  writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(saved, null, 2))
  return saved
}

async function main() {
  const { machine: m, built, loads, minutes, results } = SAVED ?? (await runAll())
  const sections = BENCHES.filter((b) => results[b.id]).map((b) => b.render(results[b.id]))
  const mean = loads.reduce((a, b) => a + b, 0) / loads.length
  const command = QUICK ? 'node bench/run-all.mjs --quick' : 'npm run bench'
  const doc = [
    '# Benchmarks',
    '',
    `<!-- Generated by \`${command}\` (bench/run-all.mjs) on ${m.date}. Do not edit by hand: run it again. -->`,
    '',
    `Every benchmark in \`bench/\`, run one after the other by one command, \`${command}\`` +
      (QUICK ? ' (the short variant of `npm run bench`)' : ' (`node bench/run-all.mjs`)') +
      `, on ${m.date.slice(0, 10)}; the whole run took ${minutes.toFixed(1)} minutes.`,
    'Each section gives what the benchmark measures, its exact command, the figures of this run',
    "and the targets from the project's issues, with whether this run met them. Benchmarks print",
    'figures; they are never timed assertions in tests. On a shared VM the tail latencies (p99,',
    'max) move a lot from run to run with the other work on the machine, the medians much less;',
    'compare figures within one run (taillight, frontail and websocketd below were measured in',
    'the same run, one after the other).',
    '',
    ...(QUICK
      ? [
          '**This is a `--quick` run**: fewer clients (no 10,000-client runs), 3 s instead of 10 s',
          'per fan-out run, a 1 GiB file instead of 10 GiB, no soak. Targets that need the full',
          'run say "not run".',
          '',
        ]
      : []),
    '## Machine',
    '',
    table(
      ['machine', 'this run'],
      [
        ['CPU', m.cpu],
        ['RAM', m.ram],
        ['OS, kernel', `${m.os}, ${m.kernel}`],
        ['file system of the temp dir', m.tmpfs],
        ['Node', m.node],
        ['Bun', m.bun],
        ['Deno', m.deno.replace(/ \(.*/, '')],
        ['frontail', m.frontail],
        ['websocketd', m.websocketd],
        ['tail', m.tail],
        ['Redis', m.redis],
        ['Chromium', m.chromium],
        ['open files limit', m.fdLimit],
        ['commit', m.commit + (built ? ', built by the run' : '')],
        [
          'load average',
          `${m.load.map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min) at the start; ` +
            `1-min load during the run: min ${Math.min(...loads).toFixed(2)}, ` +
            `mean ${mean.toFixed(2)}, max ${Math.max(...loads).toFixed(2)}`,
        ],
      ]
    ),
    '',
    `The load generators run on the same ${os.cpus().length}-CPU machine as the servers, and so`,
    'may other work: a 1-minute load average near or above the number of CPUs means the figures',
    'include waiting for a CPU. The load average counts the benchmarks’ own processes too (the',
    'servers, the load process, and during the websocketd runs up to a thousand `tail`s). The load',
    'average before and after each benchmark is at the end of its section.',
    '',
    '## Targets',
    '',
    '| benchmark | target | this run | |',
    '| --- | --- | --- | --- |',
    '<!-- targets -->',
    '',
    ...sections.flatMap((s) => [s, '']),
    '## Reproducing one benchmark',
    '',
    'Each command above runs on its own after `npm run build`. Options:',
    '',
    '- `bench/server-latency.mjs`: `--clients`, `--rate`, `--seconds`, `--runtimes node,bun,deno`,',
    '  `--frontail [--frontail-max N]`, `--websocketd [--websocketd-max N]`, `--json FILE`.',
    '- `bench/tail-big-file.mjs`: `BENCH_GIB` (default 10), `BENCH_ITERATIONS`, `BENCH_DIR`,',
    '  `BENCH_DROP_CACHES=1` (cold reads; drops the whole machine’s page cache).',
    '- `bench/run-all.mjs`: `--quick`, `--only follow,tail,server,redis,browser,soak`, `--out FILE`.',
    '  Raw results of the last run: `.bench-tmp/run-all/*.json`.',
    '',
  ].join('\n')
  const targetRows = targets.map(
    (t) => `| ${t.bench} | ${t.target} | ${t.measured} | ${verdict(t.met)} |`
  )
  mkdirSync(join(DOC, '..'), { recursive: true })
  writeFileSync(DOC, doc.replace('<!-- targets -->', targetRows.join('\n')))
  const prettier = join(ROOT, 'node_modules/.bin/prettier')
  if (existsSync(prettier)) sh(prettier, ['--write', DOC])
  console.log(`\nwrote ${relative(ROOT, DOC)} (${minutes.toFixed(1)} min)`)
  for (const t of targets)
    console.log(`${verdict(t.met).padEnd(14)} ${t.bench}: ${t.target}: ${t.measured}`)
}

await main()
