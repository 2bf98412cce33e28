#!/usr/bin/env node
/**
 * @module Takeover times of the Redis scale-out, over several runs, with every line checked:
 *   watcher   two watcher processes on one file (lease per file); kill -9 the leader:
 *             takeover = kill → the standby reports itself leader;
 *   sentinel  a primary, a replica and three sentinels; kill -9 the primary:
 *             promotion = kill → the sentinels name the replica.
 * For both, stall = the longest wait between two lines arriving at the edge around the fault
 * (what a browser sees), and every line must reach the edge exactly once, in order.
 *
 *   node bench/failover.mjs [--mode watcher,sentinel] [--runs 5] [--ttl 5000] [--rate 100]
 *
 * Needs dist/ (built when missing) and redis-server (Debian package; `--sentinel` mode is in
 * the same binary). Everything runs on 127.0.0.1, no persistence, bounded in time.
 */
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './lib/args.mjs'
import { ROOT } from './lib/cli-server.mjs'
import { sleep } from './lib/clock.mjs'
import { freePort, waitPort } from './lib/net.mjs'
import { startRig } from './lib/sentinel-rig.mjs'

const SELF = fileURLToPath(import.meta.url)
const dist = (p) => import(join(ROOT, 'dist', p))

/** Child: one watcher on `path`, its lease state on stdout as JSON lines. */
async function child([path, url, ttl]) {
  const { createFileSource } = await dist('follow/file-source.js')
  const { startWatcherPublishing } = await dist('redis/roles.js')
  const source = await createFileSource('app.log', path, { poll: true, pollMaxMs: 20 })
  const w = startWatcherPublishing([source], url, { lease: { ttlMs: Number(ttl) } })
  let last = ''
  setInterval(() => {
    const s = JSON.stringify({ leader: w.health().files[0].leader })
    if (s !== last) process.stdout.write(s + '\n')
    last = s
  }, 5)
}

function watcherProc(path, url, ttl) {
  const p = spawn(process.execPath, [SELF, '--child', path, url, String(ttl)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const w = { p, leader: false, since: 0 }
  let buf = ''
  p.stdout.on('data', (d) => {
    buf += d
    for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
      w.leader = JSON.parse(buf.slice(0, i)).leader
      if (w.leader) w.since = Date.now()
    }
  })
  return w
}

const kill9 = (p) =>
  p.exitCode !== null || p.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => (p.once('exit', r), p.kill('SIGKILL')))

async function until(cond, ms, what) {
  for (const end = Date.now() + ms; !(await cond()); await sleep(10)) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`)
  }
}

/** A file written at `rate` lines/s and an edge recording arrival times. */
async function rigFile(dir, url) {
  const path = join(dir, 'app.log')
  writeFileSync(path, '')
  const { createEdgeSources } = await dist('redis/roles.js')
  let n = 0
  const sent = []
  const got = []
  const arrivals = []
  const write = () => {
    const line = `line ${++n}`
    sent.push(line)
    appendFileSync(path, line + '\n')
  }
  return {
    path,
    sent,
    got,
    arrivals,
    write,
    async edge() {
      const edge = await createEdgeSources(url, { startTimeoutMs: 20_000, metaPollMs: 500 })
      edge.sources[0].subscribe((e) => {
        if (e.type !== 'lines') return
        for (const l of e.lines) got.push(l.text)
        arrivals.push(Date.now())
      })
      return edge
    },
  }
}

function stallAround(arrivals, at) {
  let worst = 0
  for (let i = 1; i < arrivals.length; i++) {
    if (arrivals[i] < at) continue
    worst = Math.max(worst, arrivals[i] - arrivals[i - 1])
    if (arrivals[i - 1] > at + 30_000) break
  }
  return worst
}

async function runOnce(mode, o) {
  const dir = mkdtempSync(join(tmpdir(), 'taillight-failover-'))
  const procs = []
  let rig
  let edge
  let timer
  try {
    let url
    if (mode === 'sentinel') {
      rig = await startRig(dir)
      url = rig.url
    } else {
      const port = await freePort()
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]
      procs.push(spawn('redis-server', [...args, '--appendonly', 'no'], { stdio: 'ignore' }))
      await waitPort(port, 'redis-server')
      url = `redis://127.0.0.1:${port}`
    }
    const f = await rigFile(dir, url)
    const { startWatcherPublishing } = await dist('redis/roles.js')
    const { createFileSource } = await dist('follow/file-source.js')
    let watchers = []
    let inproc
    if (mode === 'watcher') {
      watchers = [0, 1].map(() => watcherProc(f.path, url, o.ttl))
      procs.push(...watchers.map((w) => w.p))
      await until(() => watchers.some((w) => w.leader), 20_000, 'a leader')
    } else {
      const source = await createFileSource('app.log', f.path, { poll: true, pollMaxMs: 20 })
      inproc = { source, pub: startWatcherPublishing([source], url, { lease: { ttlMs: o.ttl } }) }
      await until(() => inproc.pub.publishers[0].lease.leader, 20_000, 'a leader')
    }
    edge = await f.edge()
    timer = setInterval(f.write, 1000 / o.rate)
    await until(() => f.got.length > o.rate, 10_000, 'lines before the fault')
    const at = Date.now()
    let fault
    if (mode === 'watcher') {
      const leader = watchers.find((w) => w.leader)
      const standby = watchers.find((w) => w !== leader)
      await kill9(leader.p)
      await until(() => standby.leader, 30_000, 'takeover')
      fault = standby.since - at
    } else {
      await kill9(rig.procs.get(rig.primary))
      await until(async () => (await rig.currentPrimary()) === rig.replica, 30_000, 'promotion')
      fault = Date.now() - at
    }
    const seen = f.got.length
    await until(() => f.got.length > seen + o.rate, 30_000, 'lines after the fault')
    clearInterval(timer)
    timer = undefined
    await until(() => f.got.length >= f.sent.length, 30_000, 'every line')
    await sleep(300)
    const exact = f.got.length === f.sent.length && f.got.every((t, i) => t === f.sent[i])
    await inproc?.pub.close(0)
    await inproc?.source.close()
    return { fault, stall: stallAround(f.arrivals, at), lines: f.sent.length, exact }
  } finally {
    if (timer) clearInterval(timer)
    await edge?.close()
    for (const p of procs) await kill9(p)
    await rig?.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const pct = (xs, p) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const modes = String(args.mode ?? 'watcher,sentinel').split(',')
  const o = {
    runs: Number(args.runs ?? 5),
    ttl: Number(args.ttl ?? 5000),
    rate: Number(args.rate ?? 100),
  }
  if (!existsSync(join(ROOT, 'dist/redis/roles.js'))) {
    console.log('building dist/ ...')
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  }
  console.log(
    `node ${process.version}, lease TTL ${o.ttl} ms, ${o.rate} lines/s, ${o.runs} runs each`
  )
  for (const mode of modes) {
    const rows = []
    for (let i = 0; i < o.runs; i++) {
      const r = await runOnce(mode, o)
      rows.push(r)
      console.log(`  ${mode} run ${i + 1}: ${JSON.stringify(r)}`)
    }
    const what = mode === 'watcher' ? 'takeover' : 'promotion'
    const f = rows.map((r) => r.fault)
    const s = rows.map((r) => r.stall)
    const ok = rows.every((r) => r.exact)
    console.log(
      `${mode}: ${what} p50 ${pct(f, 0.5)} ms, max ${Math.max(...f)} ms; edge stall p50 ` +
        `${pct(s, 0.5)} ms, max ${Math.max(...s)} ms; every line once, in order: ${ok ? 'yes' : 'NO'}`
    )
  }
}

if (process.argv[2] === '--child') await child(process.argv.slice(3))
else await main()
