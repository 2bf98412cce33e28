#!/usr/bin/env node
/**
 * @module Soak and fault run: proves that no client loses, repeats or reorders a line on a bad day.
 *
 *   node bench/soak.mjs [--minutes 10] [--clients 1000] [--rate 1000]
 *
 * A writer appends `rate` realistic log lines per second (each with a global `seq=N`) to a file
 * that is rotated every tenth of the run, alternating rename (logrotate `create`), copytruncate
 * and delete/recreate. `clients` SSE clients (a forked load process, bench/soak-client.mjs) follow
 * it from the start: a tenth of them disconnect at random times and resume with Last-Event-ID, a
 * few stall (stop reading for a tenth of the run, at most 60 s: long enough in the default run for
 * the server to drop them, see STALL_MAX_MS) and then resume. The server is
 * killed with SIGKILL at about 35% and 65% of the run and restarted with the same command; every
 * client reconnects with its cursor. At the end every client must have received every line,
 * from the first to the last written, exactly once and in order (a `reset` counts as a failure),
 * and the server's RSS at 90% of the run must be within 10% of its RSS at 20%. Prints the
 * figures and one verdict line; exit code 0 on pass, 1 on fail.
 *
 * Every phase scales with --minutes (fractions allowed: --minutes 0.5). Everything runs on
 * 127.0.0.1 in a temporary directory; every wait is bounded, a watchdog ends the run if anything
 * hangs, and the server, the load process and the directory are always cleaned up.
 * Needs dist/ (built here with tsc when missing).
 */
import { execFileSync, fork } from 'node:child_process'
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { ROOT, startCli } from './lib/cli-server.mjs'
import { sleep } from './lib/clock.mjs'
import { rssMb } from './lib/proc-stats.mjs'

const CLIENT = join(ROOT, 'bench/soak-client.mjs')
const KINDS = ['rename', 'copytruncate', 'recreate']
/** Kills sit halfway between two rotations (see kill()). */
const KILLS = [0.35, 0.65]
const RSS_AT = [0.2, 0.9]
const STALL_AT = 0.42
const STALLERS = 5
/**
 * A stall lasts a tenth of the run, at most 60 s. On loopback the kernel's socket buffers take
 * about 3 MB of a paused reader (~30 s at 1,000 lines/s) before the server's own queue grows, so
 * taillight (1 MiB queue, 10 s drain timeout) drops a paused client after about 40-45 s: the
 * 10-minute run sees drops, shorter runs only see stalled clients catch up.
 */
const STALL_MAX_MS = 60_000
/**
 * Longest wait of a gate before a kill or a rotation (see kill() and rotate()). It does not scale
 * with the run: after a kill every client waits the server's `retry:` (2-5 s) and then catches up
 * from the file, each with its own read (about 15-25 s for 1,000 clients at 1,000 lines/s on a
 * busy 2-core machine). In short runs the rotations after a kill are late rather than lossy.
 */
const GATE_MS = 45_000

const now = () => Date.now()

// Everything cleanup() must undo, whatever happens.
const live = { dir: null, server: null, worker: null, cleaned: false }

function cleanup() {
  if (live.cleaned) return
  live.cleaned = true
  try {
    live.server?.proc.kill('SIGKILL')
  } catch {
    // already gone
  }
  try {
    live.worker?.kill('SIGKILL')
  } catch {
    // already gone
  }
  if (live.dir) rmSync(live.dir, { recursive: true, force: true })
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.log(`\n${sig}: cleaning up`)
    cleanup()
    process.exit(1)
  })
}

// ---------------------------------------------------------------------------------------------
// Writer: one write per line, as a logger does; line k is due at t0 + k / rate.

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'INFO', 'WARN', 'INFO', 'INFO', 'ERROR', 'INFO']
const ROUTES = [
  'GET /api/orders',
  'POST /api/cart',
  'GET /api/users',
  'GET /healthz',
  'PUT /api/items',
]
const STATUS = [200, 200, 200, 201, 204, 200, 304, 404, 200, 500]

class Writer {
  constructor(path, rate, total) {
    this.path = path
    this.rate = rate
    this.total = total
    this.fd = openSync(path, 'a')
    this.seq = 0
    this.paused = false
    /** After a rename: lines still written to the old file before the writer reopens. */
    this.reopenAfter = 0
    this.t0 = 0
    /** The first line written to the current file (after the last rotation). */
    this.genStart = 0
  }

  line(seq) {
    // `<ISO time> <LEVEL padded to 5> seq=N ...`: soak-client.mjs reads the time before `seq=`.
    const level = LEVELS[seq % LEVELS.length]
    const req = ((seq * 2654435761) >>> 0).toString(16).padStart(8, '0')
    const route = ROUTES[seq % ROUTES.length]
    return (
      `${new Date().toISOString()} ${level.padEnd(5)} seq=${seq} svc=checkout pid=4242 ` +
      `req=${req} ${route}/${seq % 997} status=${STATUS[seq % STATUS.length]} dur=${seq % 250}ms\n`
    )
  }

  writeOne() {
    writeSync(this.fd, this.line(this.seq++))
    if (this.reopenAfter > 0 && --this.reopenAfter === 0) this.reopen()
  }

  reopen() {
    closeSync(this.fd)
    this.fd = openSync(this.path, 'a')
    this.genStart = this.seq
  }

  async run() {
    this.t0 = now()
    while (this.seq < this.total) {
      if (!this.paused) {
        const due = Math.min(this.total, Math.floor(((now() - this.t0) * this.rate) / 1000) + 1)
        while (this.seq < due && !this.paused) this.writeOne()
      }
      await sleep(1)
    }
    this.reopenAfter = 0
  }
}

// ---------------------------------------------------------------------------------------------
// Server

let stderrLines = 0

function startServer(file, port) {
  const args = ['--port', String(port), '--lines', '0', '--max-clients', '20000', file]
  return startCli(args, {
    timeoutMs: 30_000,
    onStderr: (d) => {
      for (const l of d.split('\n')) {
        if (l.trim() && stderrLines++ < 40) console.log(`  [taillight stderr] ${l}`)
      }
    },
  })
}

async function getText(url, path) {
  try {
    const r = await fetch(new URL(path, url), { signal: AbortSignal.timeout(3000) })
    return r.ok ? await r.text() : null
  } catch {
    return null
  }
}

/**
 * The server's committed read offset in the current file: the cursor of GET /api/lines (no
 * `before`: the end). Cursors are opaque to applications; this harness reads the offset part on
 * purpose (`<offset>-<fingerprint>`, README "Cursors") because /api/files `size` is the size the
 * follower last saw, not how far it has read.
 */
async function serverOffset(url) {
  const t = await getText(url, '/api/lines?limit=1')
  if (!t) return -1
  try {
    return Number(JSON.parse(t).last.split('-')[0])
  } catch {
    return -1
  }
}

// ---------------------------------------------------------------------------------------------
// Orchestrator

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const minutes = numberArg(args, 'minutes', 10, 0.2, 120, 'soak')
  const nClients = Math.round(numberArg(args, 'clients', 1000, 10, 10_000, 'soak'))
  const rate = Math.round(numberArg(args, 'rate', 1000, 10, 20_000, 'soak'))
  const RUN = minutes * 60_000
  const total = Math.round((rate * RUN) / 1000)
  const interval = RUN / 10
  const stallMs = Math.min(STALL_MAX_MS, RUN * 0.1)
  const reconnectors = Math.round(nClients / 10)
  const disconnectsEach = Math.max(2, Math.round(minutes / 2))

  const fdLimit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString())
  if (fdLimit < nClients + 500) {
    console.error(`soak: needs ${nClients + 500} file descriptors, ulimit -n is ${fdLimit}`)
    process.exit(2)
  }
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    console.log('building dist/ ...')
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  }

  // Whatever hangs, the run ends: the longest legitimate run is RUN plus the bounded waits.
  const watchdog = setTimeout(
    () => {
      console.log('SOAK FAIL: watchdog: the run did not finish in time')
      cleanup()
      process.exit(1)
    },
    RUN + 10 * 60_000
  )
  watchdog.unref()

  live.dir = mkdtempSync(join(tmpdir(), 'tl-soak-'))
  const log = join(live.dir, 'app.log')
  const writer = new Writer(log, rate, total)
  const t = () => ((now() - writer.t0) / 1000).toFixed(1).padStart(6)
  const say = (s) => console.log(`[${writer.t0 ? t() : '   -  '}s] ${s}`)

  console.log(
    `soak: ${minutes} min, ${rate} lines/s (${total} lines), ${nClients} clients ` +
      `(${reconnectors} reconnecting ${disconnectsEach}x at random, ${STALLERS} stalling ` +
      `${(stallMs / 1000).toFixed(0)} s), rotation every ${(interval / 1000).toFixed(1)} s, ` +
      `2 SIGKILLs; node ${process.version}, dir ${live.dir}`
  )

  let server = await startServer(log, 0)
  live.server = server
  const port = server.port
  let unexpectedExits = 0
  const watchExit = (s) =>
    s.proc.once('exit', (code, sig) => {
      if (s.killed) return
      unexpectedExits++
      say(`taillight exited unexpectedly (${code ?? sig})`)
    })
  watchExit(server)
  say(`taillight pid ${server.proc.pid} at ${server.url}`)

  // Load process
  const worker = fork(CLIENT, [], { stdio: 'inherit' })
  live.worker = worker
  let reqId = 0
  const waiting = new Map()
  let onReady
  const ready = new Promise((r) => (onReady = r))
  worker.on('message', (m) => {
    if (m.type === 'ready') onReady()
    const w = waiting.get(m.id)
    if (w) {
      waiting.delete(m.id)
      w(m)
    }
  })
  worker.on('exit', (code) => {
    if (!live.cleaned) say(`load process exited (${code})`)
  })
  const ask = (type, timeoutMs = 10_000, extra = {}) =>
    new Promise((resolve) => {
      const id = ++reqId
      const timer = setTimeout(() => {
        waiting.delete(id)
        resolve(null)
      }, timeoutMs)
      waiting.set(id, (m) => {
        clearTimeout(timer)
        resolve(m)
      })
      worker.send({ type, id, ...extra })
    })
  const until = async (check, timeoutMs, stepMs = 200) => {
    const end = now() + timeoutMs
    for (;;) {
      if (await check()) return true
      if (now() >= end) return false
      await sleep(stepMs)
    }
  }
  const status = (since = 0) =>
    ask('status', 10_000, { since, last: writer.seq >= total ? total - 1 : null })

  worker.send({
    type: 'start',
    url: server.url,
    clients: nClients,
    total,
    stallers: STALLERS,
    reconnectors,
  })
  const connected = await Promise.race([ready.then(() => true), sleep(120_000).then(() => false)])
  if (!connected) throw new Error('the clients did not all connect within 120 s')
  say(`${nClients} clients connected (init received)`)

  // Plan for the load process, relative to the start of writing.
  const disconnects = []
  for (let i = STALLERS; i < STALLERS + reconnectors; i++) {
    for (let k = 0; k < disconnectsEach; k++) {
      disconnects.push([i, Math.round(RUN * (0.03 + 0.94 * Math.random()))])
    }
  }
  const counts = { rename: 0, copytruncate: 0, recreate: 0 }
  const warnings = []
  let kills = 0
  /** First line written after the last restart, until the next rotation. */
  let restartedAt = -1
  let lastRotation = 0
  const rss = {}

  worker.send({ type: 'go', disconnects })
  const writing = writer.run()

  const rotate = async (k) => {
    // The first rotation after a restart waits (bounded) until every client has resumed: a client
    // still holding a cursor into the file from before the restart, when that file is rotated
    // away, can only get `reset` (the new server's memory starts empty, and the file no longer
    // has those bytes).
    if (restartedAt >= 0) {
      const since = restartedAt
      const ok = await until(async () => {
        const s = await status(since)
        return s !== null && s.below === 0 && s.catchingUp === 0
      }, GATE_MS)
      if (!ok) warnings.push(`rotation ${k}: not every client had resumed after the restart`)
      restartedAt = -1
    }
    // Rotations delayed by a gate keep at least half an interval between them.
    await sleep(lastRotation + interval / 2 - now())
    // A writer still writing to a renamed file reopens now (it got its SIGHUP long ago).
    if (writer.reopenAfter > 0) {
      writer.reopenAfter = 0
      writer.reopen()
    }
    // Each rotation gets its own name (app.log.1, app.log.2, ...): nothing is written over a
    // rotated file the server may still be reading.
    const old = `${log}.${k}`
    const kind = KINDS[(k - 1) % KINDS.length]
    counts[kind]++
    if (kind === 'rename') {
      // logrotate `create`: mv log log.1, create a new empty log, SIGHUP the daemon. The daemon
      // still writes a few lines to the old file (its fd) before it reopens the path.
      renameSync(log, old)
      closeSync(openSync(log, 'a'))
      writer.reopenAfter = 3 + Math.floor(Math.random() * 5)
    } else if (kind === 'copytruncate') {
      // copytruncate loses, in every tool, the lines written between the copy and the truncate
      // (they are in neither file). To keep "exactly once" achievable the writer pauses, and the
      // truncate waits until the server has read the whole file and every connected client has
      // the last line (a client catching up from the file when it is truncated cannot get those
      // bytes any more, and gets `reset`).
      writer.paused = true
      const size = statSync(log).size
      const last = writer.seq - 1
      const read = await until(async () => (await serverOffset(server.url)) === size, 10_000, 20)
      if (!read) warnings.push(`copytruncate ${k}: server had not read to ${size} after 10 s`)
      const got = await until(
        async () => ((await status()) ?? { minMaxConnected: -1 }).minMaxConnected >= last,
        5_000,
        20
      )
      if (!got) warnings.push(`copytruncate ${k}: not every connected client had line ${last}`)
      copyFileSync(log, old)
      truncateSync(log, 0)
      writer.genStart = writer.seq
      writer.paused = false
    } else {
      // The file is deleted and a new one created under the same name.
      closeSync(writer.fd)
      unlinkSync(log)
      writer.fd = openSync(log, 'a')
      writer.genStart = writer.seq
    }
    lastRotation = now()
    say(`rotation ${k}/9: ${kind} (after line ${writer.seq - 1})`)
  }

  const kill = async (n) => {
    // Kills sit halfway between rotations and wait (bounded) until every client is live. After a
    // restart the server resumes a cursor from the file only if it points into the current file:
    // a rotation while the server is down, or one a client had not received yet, leaves that
    // client a cursor into a file the new server never followed, and it gets `reset` (expected:
    // README "a cursor into a file that was rotated away ... is reported as stale"). Keeping
    // clear of rotations keeps exactly-once achievable; the restart itself is immediate.
    const since = writer.genStart
    const ok = await until(async () => {
      const s = await status(since)
      return s !== null && s.below === 0 && s.stalled === 0
    }, GATE_MS)
    if (!ok) warnings.push(`kill ${n}: not every client had a line of the current file`)
    const s = server
    s.killed = true
    s.killedAt = now()
    const exited = new Promise((r) => s.proc.once('exit', r))
    s.proc.kill('SIGKILL')
    await Promise.race([exited, sleep(5000)])
    kills++
    const lineAtKill = writer.seq - 1
    let next = null
    for (let attempt = 0; attempt < 5 && !next; attempt++) {
      try {
        // The same command; on the same port when it is still free, as a browser needs.
        next = await startServer(log, attempt < 3 ? port : 0)
      } catch (err) {
        say(`restart attempt ${attempt + 1} failed: ${err.message.split('\n')[0]}`)
        await sleep(500)
      }
    }
    if (!next) throw new Error('taillight could not be restarted')
    server = next
    live.server = next
    watchExit(next)
    if (next.url !== s.url) worker.send({ type: 'url', url: next.url })
    restartedAt = writer.seq
    say(
      `SIGKILL ${n}/2: pid ${s.proc.pid} killed after line ${lineAtKill}, ` +
        `restarted as pid ${next.proc.pid} in ${next.startedAt - (s.killedAt ?? next.startedAt)} ms`
    )
  }

  const sampleRss = async (frac) => {
    await sleep(Math.max(0, writer.t0 + RUN * frac - now()))
    // Median of 5 samples 200 ms apart: one sample can land in the middle of a GC.
    const xs = []
    for (let i = 0; i < 5; i++) {
      xs.push(rssMb(server.proc.pid))
      await sleep(200)
    }
    xs.sort((a, b) => a - b)
    rss[frac] = xs[2]
    say(`RSS at ${frac * 100}%: ${xs[2].toFixed(1)} MB (pid ${server.proc.pid})`)
  }
  const rssDone = Promise.all(RSS_AT.map(sampleRss))

  const progress = setInterval(async () => {
    const s = await ask('status', 5000)
    if (!s) return
    say(
      `line ${writer.seq - 1}: ${s.live}/${s.clients} clients live, ${s.connected} connected, ` +
        `${s.stalled} stalled; slowest live client at line ${s.minMaxLive}; ` +
        `RSS ${rssMb(server.proc.pid).toFixed(0)} MB`
    )
    if (args.verbose) say(`slowest: ${JSON.stringify(s.slowest)}`)
  }, interval)

  // Stalls run between the two kills, after the first rotation that follows the first restart
  // (which waits until every client has resumed): a client stalled across a kill could come back
  // with a cursor that predates a rotation the new server never saw (see kill()).
  const stall = async () => {
    worker.send({ type: 'stall', clients: STALLERS, ms: stallMs })
    say(`${STALLERS} clients stop reading for ${(stallMs / 1000).toFixed(0)} s`)
  }

  const actions = [{ at: STALL_AT, run: stall }]
  for (let k = 1; k <= 9; k++) actions.push({ at: k / 10, run: () => rotate(k) })
  KILLS.forEach((at, i) => actions.push({ at, run: () => kill(i + 1) }))
  actions.sort((a, b) => a.at - b.at)
  for (const a of actions) {
    await sleep(Math.max(0, writer.t0 + RUN * a.at - now()))
    await a.run()
  }
  await writing
  await rssDone
  clearInterval(progress)
  say(`writer done: ${writer.seq} lines written`)

  // Everyone catches up (bounded), then the load process reports.
  const finalWait = Math.min(120_000, Math.max(30_000, RUN * 0.1))
  const caughtUp = await until(async () => {
    const s = await ask('status')
    return s !== null && s.stalled === 0 && s.minMax >= total - 1
  }, finalWait)
  if (!caughtUp) {
    const s = await status()
    warnings.push(
      `not every client had the last line ${finalWait / 1000} s after the writer stopped`
    )
    warnings.push(`slowest client: ${JSON.stringify(s?.slowest)}`)
  }
  say(caughtUp ? 'every client has the last line' : 'gave up waiting for every client')
  const metrics = (await getText(server.url, '/metrics')) ?? ''
  const res = await ask('stop', 30_000)
  if (!res) throw new Error('the load process did not report')

  // -------------------------------------------------------------------------------------------
  // Figures and verdict
  const v = res.verdicts
  const metric = (name) =>
    [...metrics.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))].reduce(
      (a, m) => a + Number(m[1]),
      0
    )
  const r20 = rss[RSS_AT[0]]
  const r90 = rss[RSS_AT[1]]
  const growth = ((r90 - r20) / r20) * 100
  const rssOk = r20 > 0 && r90 > 0 && Math.abs(growth) <= 10
  const lat = res.latency
  const f = (x) => (x === null ? '-' : x.toFixed(0))
  console.log('')
  console.log(`lines written       ${writer.seq}`)
  console.log(
    `rotations           ${counts.rename} rename, ${counts.copytruncate} copytruncate, ` +
      `${counts.recreate} delete/recreate`
  )
  console.log(
    `SIGKILL + restart   ${kills}${unexpectedExits ? ` (+${unexpectedExits} crashes)` : ''}`
  )
  console.log(
    `reconnects          ${res.reconnects} (${res.voluntary} random disconnects, the rest after ` +
      `kills and drops)`
  )
  console.log(
    `drops               ${res.dropped} 'dropped' events received, ${res.closedWhileStalled} ` +
      `streams closed while stalled; last server: ${metric('taillight_slow_clients_dropped_total')} ` +
      `dropped, ${metric('taillight_resets_total')} resets, ${metric('taillight_catch_ups_total')} ` +
      `catch-ups from the file`
  )
  console.log(
    `clients             ${v.ok} ok, ${v.missing} missing lines, ${v.duplicated} duplicated, ` +
      `${v.outOfOrder} out of order, ${v.reset} reset (of ${nClients})`
  )
  console.log(`RSS                 ${r20.toFixed(1)} MB at 20%, ${r90.toFixed(1)} MB at 90%`)
  console.log(
    `latency (live)      p50 ${f(lat.p50)} ms, p99 ${f(lat.p99)} ms, max ${f(lat.max)} ms ` +
      `(${lat.samples} events); max ${f(lat.maxAny)} ms including catch-ups after kills`
  )
  console.log(`load process CPU    ${res.cpuSeconds.toFixed(0)} s`)
  for (const w of warnings) console.log(`warning             ${w}`)
  for (const e of res.examples) console.log(`failed client       ${JSON.stringify(e)}`)

  const pct = `${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%`
  const rssText = `RSS ${r20.toFixed(0)} MB at 20% vs ${r90.toFixed(0)} MB at 90% (${pct})`
  const problems = []
  if (v.ok !== nClients) {
    const kinds = []
    if (v.missing) kinds.push(`${v.missing} missing lines`)
    if (v.duplicated) kinds.push(`${v.duplicated} duplicated`)
    if (v.outOfOrder) kinds.push(`${v.outOfOrder} out of order`)
    if (v.reset) kinds.push(`${v.reset} reset`)
    problems.push(`clients: ${kinds.join(', ')}`)
  }
  if (!rssOk) problems.push('RSS grew more than 10%')
  if (kills !== KILLS.length) problems.push(`${kills} kills`)
  if (unexpectedExits) problems.push(`taillight crashed ${unexpectedExits}x`)
  const line =
    `${v.ok}/${nClients} clients got all ${writer.seq} lines once, in order; ${rssText}` +
    (problems.length ? ` [${problems.join('; ')}]` : '')
  clearTimeout(watchdog)
  return problems.length ? `SOAK FAIL: ${line}` : `SOAK PASS: ${line}`
}

let verdict
try {
  verdict = await main()
} catch (err) {
  verdict = `SOAK FAIL: ${err?.message ?? err}`
} finally {
  cleanup()
}
console.log(verdict)
process.exit(verdict.startsWith('SOAK PASS') ? 0 : 1)
