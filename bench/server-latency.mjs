#!/usr/bin/env node
/**
 * @module Write-to-client latency of taillight's SSE fan-out (and frontail's and `tail -F | websocketd`'s,
 * side by side, with --frontail and --websocketd): for each client count, a writer appends lines at a fixed rate to a real file, the
 * server follows it, and a separate load process holding every client measures, for every line
 * and every client, the time from just before the write to its arrival. Also checks that every
 * client got every line in order, and samples the server's CPU and RSS from /proc.
 *
 *   node bench/server-latency.mjs [--clients 1,100,1000,10000] [--rate 100] [--seconds 10]
 *                                 [--runtimes node,bun,deno] [--frontail] [--frontail-max N]
 *                                 [--websocketd] [--websocketd-max 1000] [--json results.json]
 *                                 [--workers 1,2] [--load node|c] [--load-read-us 1000]
 *
 * --websocketd: websocketd (Debian package `websocketd`) serving one WebSocket per client, each
 * running its own `tail -n 1 -F <file>` (the file holds one line, `start`, when clients connect:
 * that line is the client's sign that its tail is following; the measured lines are all new).
 * One process per client, so it is run only up to --websocketd-max clients (default 1000); its
 * CPU and memory are those of websocketd plus all its tail processes (memory as PSS, so shared
 * pages are not counted once per tail). As root it runs as `nobody` (setpriv) so its tails use up
 * nobody's inotify instances (fs.inotify.max_user_instances), not those of root's processes.
 * --frontail-max N: run frontail only up to N clients. --json FILE: also write the rows (and the
 * skipped runs) to FILE as JSON, rewritten after every run. --workers 1,2: taillight once per
 * value of its --workers, side by side (CPU and RSS are then summed over the primary and its
 * workers: RSS counts shared pages once per process, so it errs high). --load c: taillight's
 * clients are held by bench/load/sse-load.c (needs a C compiler) instead of the Node load
 * process, which takes about as much CPU per client as the server and so, on a 2-core box, the
 * core a second worker would use; the C clients parse every line at every client (latency over
 * all of them, not the last 100). frontail and websocketd keep the Node load process.
 * --load-read-us N (default 1000): each C load process reads its ready sockets, then sleeps N µs
 * before looking again. On loopback a send(2) also runs the receiver's TCP input and wakes the
 * receiver when it waits in epoll_wait; a load process woken by almost every send costs the
 * server a wake-up per send (about a sixth of its CPU at 10,000 clients, by perf), which clients
 * on other hosts never cost it. The wait counts in the measured latency (up to N µs more): it
 * errs against the server. 0 reads at once, as before.
 *
 * Needs dist/ (npm run build:ts). Everything runs on 127.0.0.1 and is bounded in time; nothing
 * system-wide is changed (client counts above `ulimit -n` minus a margin are skipped).
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './lib/args.mjs'
import { forkChild } from './lib/child.mjs'
import { ROOT, startCli } from './lib/cli-server.mjs'
import { cLoad } from './lib/c-load.mjs'
import { now, sleep, timeout } from './lib/clock.mjs'
import { frontailClient, installFrontail } from './lib/frontail.mjs'
import { freePort } from './lib/net.mjs'
import { cpuSeconds, cpuSecondsTree, pssMbTree, rssMb, treePids } from './lib/proc-stats.mjs'

import { runLoadProcess } from './lib/sse-load.mjs'
import {
  findWebsocketd,
  isTail,
  spawnWebsocketd,
  usesInotify,
  wsClient,
} from './lib/websocketd.mjs'

/** --load c: how long each C load process sleeps between passes over its sockets (µs). */
let readEveryUs = 1000

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const counts = (args.clients ?? '1,100,1000,10000').split(',').map(Number)
  const rate = Number(args.rate ?? 100)
  const seconds = Number(args.seconds ?? 10)
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    console.log('building dist/ ...')
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  }
  const frontail = args.frontail ? installFrontail(ROOT) : null
  const frontailMax = Number(args['frontail-max'] ?? Infinity)
  const websocketd = args.websocketd ? findWebsocketd() : null
  const websocketdMax = Number(args['websocketd-max'] ?? 1000)
  const skipped = []
  const skip = (server, clients, reason) => {
    console.log(`skip ${server} at ${clients} clients: ${reason}`)
    skipped.push({ server, clients, reason })
  }
  // --runtimes node,bun,deno: the same server under each runtime (bun and deno from devDependencies)
  const runtimes = (args.runtimes ?? 'node').split(',').filter((r) => r && r !== 'none')
  const workers = String(args.workers ?? '1')
    .split(',')
    .map(Number)
  const load = args.load ?? 'node'
  if (!['node', 'c'].includes(load)) throw new Error(`--load: node or c, not ${load}`)
  readEveryUs = Number(args['load-read-us'] ?? 1000)
  if (!(readEveryUs >= 0))
    throw new Error(`--load-read-us: microseconds, not ${args['load-read-us']}`)
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString()) - 200
  console.log(
    `node ${process.version}, ${rate} lines/s for ${seconds} s per run, fd limit ${limit + 200}`
  )
  const rows = []
  const save = () => {
    if (!args.json) return
    const meta = {
      node: process.version,
      rate,
      seconds,
      fdLimit: limit + 200,
      websocketd,
      loadReadUs: load === 'c' ? readEveryUs : undefined,
    }
    writeFileSync(args.json, JSON.stringify({ ...meta, rows, skipped }, null, 2))
  }
  // A run that fails (e.g. clients that never connect) is reported as such; the others go on.
  const attempt = async (...a) => {
    try {
      rows.push(await run(...a))
    } catch (err) {
      console.log(`${a[0]} at ${a[1]} clients failed: ${err.message}`)
      rows.push({ server: a[0], workers: a[6], clients: a[1], error: err.message })
      process.exitCode = 1
    }
    save()
  }
  for (const n of counts) {
    // Each process holds one socket per client it serves: the server (split over its workers)
    // and the load process (the C load splits itself into processes of 10,000).
    const fits = (wk, ld) => Math.ceil(n / wk) <= limit && (ld === 'c' || n <= limit)
    for (const rt of runtimes) {
      for (const wk of rt === 'node' ? workers : [1]) {
        if (fits(wk, load)) await attempt('taillight', n, rate, seconds, null, rt, wk, load)
        else
          skip(`taillight/${rt} --workers ${wk}`, n, `needs more fds than ulimit -n ${limit + 200}`)
      }
    }
    if (!fits(1, 'node')) {
      skip('others', n, `needs ${n} fds per process, ulimit -n allows ${limit}`)
      continue
    }
    if (frontail) {
      if (n <= frontailMax) await attempt('frontail', n, rate, seconds, frontail)
      else skip('frontail', n, `above --frontail-max ${frontailMax}`)
    }
    if (websocketd) {
      if (n <= websocketdMax) await attempt('websocketd', n, rate, seconds, websocketd)
      else
        skip(
          'websocketd',
          n,
          `one tail process per client; above --websocketd-max ${websocketdMax}`
        )
    }
  }
  save()
  console.log(
    '\nlatency: probe clients (the last 100 to connect; with --load c, every client); verified: clients with every line, in order'
  )
  console.log(
    'server          workers  clients  verified  in-order    p50 ms   p99 ms   max ms  cpu %  rss MB  load-cpu %'
  )
  for (const r of rows) {
    if (r.error) {
      console.log(
        `${r.server.padEnd(15)} ${String(r.workers ?? '').padStart(7)}  ${String(r.clients).padStart(7)}  failed: ${r.error}`
      )
      continue
    }
    console.log(
      `${r.server.padEnd(15)} ${String(r.workers ?? '').padStart(7)}  ${String(r.clients).padStart(7)}  ${String(r.verified).padStart(8)}  ${String(r.inOrder).padEnd(9)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)} ${r.cpu.toFixed(0).padStart(6)} ${r.rss.toFixed(0).padStart(7)} ${r.loadCpu.toFixed(0).padStart(10)}`
    )
  }
}

const fmt = (v) => (v === undefined ? '     -  ' : v.toFixed(2).padStart(8))

/** frontail or websocketd on `port`: up once it answers HTTP (bounded, 15 s). */
async function startOther(server, port, file, opts) {
  const proc =
    server === 'websocketd'
      ? spawnWebsocketd(opts, port, file)
      : spawn(
          process.execPath,
          [opts.main, '-p', String(port), '-h', '127.0.0.1', '-n', '0', file],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          }
        )
  let out = ''
  proc.stdout.on('data', (d) => (out += d))
  // websocketd logs its tails' stderr: keep the end of it for the error message of a failed start
  proc.stderr?.on('data', (d) => (out = `${out}${d}`.slice(-2000)))
  const end = Date.now() + 15_000
  for (;;) {
    try {
      await fetch(`http://127.0.0.1:${port}/`)
      return { proc, url: `http://127.0.0.1:${port}/` }
    } catch {
      if (Date.now() > end) {
        proc.kill('SIGKILL')
        throw new Error(`${server} did not start: ${out}`)
      }
      await sleep(100)
    }
  }
}

async function run(
  server,
  clients,
  rate,
  seconds,
  frontail,
  runtime = 'node',
  workers = 1,
  load = 'node'
) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-'))
  const file = join(dir, 'bench.log')
  const fd = openSync(file, 'a')
  writeSync(fd, 'start\n')
  const ws = server === 'websocketd' ? frontail : null
  if (ws?.asNobody) {
    chmodSync(dir, 0o755)
    chmodSync(file, 0o644)
  }
  let proc = null
  let w = null
  let sampler = null
  try {
    const started =
      server === 'taillight'
        ? await startCli(
            [
              '--port',
              '0',
              '--lines',
              '0',
              // Well above the clients: with --workers each worker caps at its share of the
              // total, and round-robin deals clients out only about evenly.
              '--max-clients',
              '40000',
              '--workers',
              workers,
              file,
            ].map(String),
            { runtime }
          )
        : await startOther(server, await freePort(), file, frontail)
    proc = started.proc
    const url = started.url
    w =
      load === 'c' && server === 'taillight'
        ? cLoad(readEveryUs)
        : forkChild(fileURLToPath(import.meta.url), ['--worker'])
    const done = w.next('done')
    w.send({ type: 'start', url, clients, server, client: frontail?.client, file })
    if (!(await w.next('ready', 120_000))) throw new Error(`${server}: clients did not connect`)
    await sleep(500)
    // tails beyond fs.inotify.max_user_instances fall back to polling the file every second
    const inotify = ws ? treePids(proc.pid).slice(1).filter(usesInotify).length : undefined
    // websocketd's work is done by its tail processes too: CPU and memory of the whole tree.
    const cpuOf = ws || workers > 1 ? cpuSecondsTree : cpuSeconds
    const memOf = ws ? pssMbTree : rssMb
    const total = Math.round(rate * seconds)
    const cpu0 = cpuOf(proc.pid)
    const t0 = now()
    w.send({ type: 'measure' })
    let rssMax = 0
    // With workers, each process's RSS at the peak of the sum: which one to make leaner.
    let rssParts = []
    const sample = () => {
      if (ws || workers <= 1) return (rssMax = Math.max(rssMax, memOf(proc.pid)))
      const parts = treePids(proc.pid).map(rssMb)
      const sum = parts.reduce((a, b) => a + b, 0)
      if (sum > rssMax) [rssMax, rssParts] = [sum, parts.map(Math.round)]
    }
    sampler = setInterval(sample, ws ? 1000 : 250)
    // Line k is due at t0 + k/rate; each write is one line, as a logger does.
    for (let k = 0; k < total;) {
      const due = t0 + (k * 1000) / rate
      const wait = due - now()
      if (wait > 1) await sleep(wait - 0.5)
      else {
        writeSync(fd, `L${k}@${now().toFixed(3)} ${'x'.repeat(80)}\n`)
        k++
      }
    }
    w.send({ type: 'expect', total })
    const res = await Promise.race([done, timeout(30_000).then(() => null)])
    if (!res) w.send({ type: 'report' })
    const result = res ?? (await done)
    const cpu = ((cpuOf(proc.pid) - cpu0) / ((now() - t0) / 1000)) * 100
    clearInterval(sampler)
    sample()
    const row = {
      server: server === 'taillight' ? `taillight/${runtime}` : server,
      ...(server === 'taillight' ? { workers, load } : {}),
      clients,
      ...result,
      cpu,
      rss: rssMax,
      ...(workers > 1 ? { rssParts } : {}),
      // Shared pages counted once: what N processes really add up to (at the end of the run).
      ...(workers > 1 ? { pss: pssMbTree(proc.pid) } : {}),
      ...(ws ? { processes: treePids(proc.pid).length, inotifyTails: inotify } : {}),
    }
    console.log(JSON.stringify(row))
    return row
  } finally {
    clearInterval(sampler)
    const tails = ws && proc ? treePids(proc.pid).slice(1) : []
    w?.kill()
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    }
    // tails that websocketd left behind (started by this run, so ended here, by their pid)
    for (const pid of tails) if (isTail(pid)) process.kill(pid, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

// The load process: every client; websocketd's and frontail's through their own transports.
if (process.argv[2] === '--worker')
  runLoadProcess({ websocketd: wsClient, frontail: frontailClient }, ['frontail'])
else await main()
