#!/usr/bin/env node
/**
 * @module Runs every benchmark in bench/ with bounded parameters and writes docs/benchmarks.md:
 * the machine, each benchmark's command and figures, taillight side by side with frontail and
 * `tail -F | websocketd`, and each target from the issues with whether this run met it. This
 * file is the runner (what runs, with which parameters, in which order); the document is
 * rendered by bench/lib/report/ from the saved results.
 *
 *   npm run bench                      (node bench/run-all.mjs: the full run, about 15-20 min)
 *   node bench/run-all.mjs --quick     (shorter runs, fewer clients: about 5 min)
 *   node bench/run-all.mjs --only follow,server [--out FILE]   (a subset, for trying things out)
 *   node bench/run-all.mjs --only workers --workers-clients 100,500   (other client counts)
 *   node bench/run-all.mjs --render    (no benchmarks: the document again from the saved results)
 *
 * Builds first when dist/ or web/dist/ is missing or older than the sources. Every benchmark
 * runs in its own process group with a time limit; one that fails or times out is reported as
 * such in the document and the others still run. Raw results go to .bench-tmp/run-all/.
 * Everything runs on 127.0.0.1; nothing system-wide is changed (no cache drops, no sysctls).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { machine } from './lib/machine.mjs'
import { renderBrowser } from './lib/report/browser.mjs'
import { renderBurst } from './lib/report/burst.mjs'
import { renderDocument } from './lib/report/document.mjs'
import { renderFollow, renderTail } from './lib/report/follow.mjs'
import { Targets, verdict } from './lib/report/format.mjs'
import { renderRedis } from './lib/report/redis.mjs'
import { renderServer } from './lib/report/server.mjs'
import { renderSoak } from './lib/report/soak.mjs'
import { renderWorkers } from './lib/report/workers.mjs'
import { runStep, sh } from './lib/run-step.mjs'

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
// Counts a process's open-files limit cannot hold are skipped (and said) by server-latency.mjs.
const WORKERS_CLIENTS = option('workers-clients')?.split(',').map(Number)

// Parameters of the two modes. Every figure in the document comes from these runs.
const P = QUICK
  ? {
      followSamples: 200,
      tailSizes: [0.25, 1],
      tailIterations: 10,
      serverClients: '1,100,1000',
      serverSeconds: 3,
      workersClients: WORKERS_CLIENTS ?? [100, 1000],
      runtimeClients: '1',
      redisClients: '1,1000',
      redisSeconds: 3,
      browserSeconds: 3,
      burstLines: '100000,1000000',
      browserLines: 1_000_000,
      soakMinutes: 0,
    }
  : {
      followSamples: 500,
      tailSizes: [1, 10],
      tailIterations: 30,
      serverClients: '1,100,1000,10000',
      serverSeconds: 10,
      workersClients: WORKERS_CLIENTS ?? [1000, 10000, 20000],
      runtimeClients: '1,1000',
      redisClients: '1,10000',
      redisSeconds: 10,
      browserSeconds: 6,
      burstLines: '1000000,5000000,10000000',
      browserLines: 3_000_000,
      soakMinutes: 1,
    }
const FRONTAIL_MAX = 1000
const WEBSOCKETD_MAX = 1000

const loadSamples = []
const sampleLoad = () => loadSamples.push(os.loadavg()[0])

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

// The benchmarks, in the order they run; each section is rendered from its steps' results.
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
    id: 'workers',
    steps: [
      {
        id: 'workers',
        args: [
          'bench/server-latency.mjs',
          ...['--clients', P.workersClients.join(','), '--workers', '1,2', '--load', 'c'],
          ...['--rate', '100', '--seconds', String(P.serverSeconds), '--json', '$JSON'],
        ],
        // Two servers per count; connecting 20,000 clients to two workers alone can take 120 s.
        limit: QUICK ? 240 : 1200,
      },
    ],
    render: renderWorkers,
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
      {
        id: 'first-paint',
        args: ['bench/first-paint.mjs', '--loads', QUICK ? '5' : '20', '--json', '$JSON'],
        limit: 180,
      },
    ],
    render: renderBrowser,
  },
  {
    id: 'burst',
    steps: [
      {
        id: 'burst',
        args: [
          'bench/burst.mjs',
          ...['--lines', P.burstLines, '--browser', '--browser-lines', String(P.browserLines)],
          ...['--wait', '90', '--json', '$JSON'],
        ],
        limit: QUICK ? 300 : 900,
      },
      {
        id: 'rate',
        args: ['bench/rate.mjs', '--rate', '100000', '--seconds', '5', '--json', '$JSON'],
        limit: 120,
      },
    ],
    render: renderBurst,
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

async function runAll() {
  mkdirSync(OUT_DIR, { recursive: true })
  const started = Date.now()
  const machineInfo = machine(ROOT)
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
    for (const s of steps) results[b.id].push(await runStep(s, { root: ROOT, outDir: OUT_DIR }))
  }
  clearInterval(sampler)
  sampleLoad()
  const minutes = (Date.now() - started) / 60000
  const saved = { quick: QUICK, machine: machineInfo, built, loads: loadSamples, minutes, results }
  writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(saved, null, 2))
  return saved
}

async function main() {
  const saved = SAVED ?? (await runAll())
  const ctx = {
    P,
    quick: QUICK,
    frontailMax: FRONTAIL_MAX,
    websocketdMax: WEBSOCKETD_MAX,
    cpus: os.cpus().length,
    targets: new Targets(),
  }
  const sections = BENCHES.filter((b) => saved.results[b.id]).map((b) =>
    b.render(saved.results[b.id], ctx)
  )
  const doc = renderDocument(saved, sections, ctx.targets, QUICK)
  mkdirSync(join(DOC, '..'), { recursive: true })
  writeFileSync(DOC, doc)
  const prettier = join(ROOT, 'node_modules/.bin/prettier')
  if (existsSync(prettier)) sh(ROOT, prettier, ['--write', DOC])
  console.log(`\nwrote ${relative(ROOT, DOC)} (${saved.minutes.toFixed(1)} min)`)
  for (const t of ctx.targets.list)
    console.log(`${verdict(t.met).padEnd(14)} ${t.bench}: ${t.target}: ${t.measured}`)
}

await main()
