#!/usr/bin/env node
/**
 * @module Latency added by the Redis hop, and an edge's fan-out, over real HTTP/SSE:
 *   direct   client → watcher's own HTTP (FileSource → broadcaster), the baseline;
 *   via edge client → edge HTTP (watcher → XADD → Redis → XREAD → EdgeSource → broadcaster).
 * A writer appends `L<k>@<time>` lines at a fixed rate; a separate load process measures, for
 * every line and every probe client, the time from just before the write to its arrival, and
 * verifies that every client got every line in order (byte hashes, see server-latency.mjs).
 *
 *   node bench/redis-latency.mjs [--clients 1,10000] [--rate 100] [--seconds 10] [--json FILE]
 *
 * --json FILE: also write the rows to FILE as JSON, rewritten after every run.
 *
 * Needs dist/ (npm run build:ts; built here when missing) and redis-server (Debian package).
 * Everything runs on 127.0.0.1 with its own redis-server on a free port (no persistence),
 * bounded in time.
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from './lib/args.mjs'
import { forkChild } from './lib/child.mjs'
import { ROOT } from './lib/cli-server.mjs'
import { now, sleep } from './lib/clock.mjs'
import { freePort, waitPort } from './lib/net.mjs'
import { cpuSeconds, rssMb } from './lib/proc-stats.mjs'
import { runLoadProcess } from './lib/sse-load.mjs'

const SELF = fileURLToPath(import.meta.url)

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const counts = String(args.clients ?? '1,10000')
    .split(',')
    .map(Number)
  const rate = Number(args.rate ?? 100)
  const seconds = Number(args.seconds ?? 10)
  // Built when missing, as the other benchmarks do (run-all.mjs rebuilds a stale dist/ first):
  // a type error elsewhere in a work in progress must not stop a benchmark of the built code.
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    console.log('building dist/ ...')
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  }
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString()) - 200
  const redisVersion = execFileSync('redis-server', ['--version']).toString().trim()
  console.log(
    `node ${process.version}, ${redisVersion.split(' ').slice(0, 3).join(' ')}, ${rate} lines/s for ${seconds} s per run`
  )
  const rows = []
  for (const n of counts) {
    if (n > limit) {
      console.log(`skip ${n} clients: ulimit -n allows ${limit}`)
      continue
    }
    for (const via of ['direct', 'edge']) {
      rows.push(await run(via, n, rate, seconds))
      if (args.json) {
        const meta = { node: process.version, redis: redisVersion, rate, seconds }
        writeFileSync(args.json, JSON.stringify({ ...meta, rows }, null, 2))
      }
    }
  }
  console.log(
    '\npath     clients  verified  in-order    p50 ms   p99 ms   max ms  edge cpu %  edge rss MB'
  )
  for (const r of rows) {
    console.log(
      `${r.via.padEnd(8)} ${String(r.clients).padStart(7)}  ${String(r.verified).padStart(8)}  ${String(r.inOrder).padEnd(9)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)} ${r.cpu.toFixed(0).padStart(10)} ${r.rss.toFixed(0).padStart(12)}`
    )
  }
}

async function run(via, clients, rate, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-redis-bench-'))
  const file = join(dir, 'bench.log')
  const fd = openSync(file, 'a')
  writeSync(fd, 'start\n')
  const port = await freePort()
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' }
  )
  await waitPort(port, 'redis-server')
  const url = `redis://127.0.0.1:${port}`
  const watcher = await role('watcher', file, url)
  const edge = via === 'edge' ? await role('edge', '-', url) : null
  const server = edge ?? watcher
  const w = forkChild(SELF, ['--load'])
  const done = w.next('done')
  w.send({ type: 'start', url: server.url, clients })
  await w.next('ready')
  await sleep(500)
  const total = Math.round(rate * seconds)
  const cpu0 = cpuSeconds(server.proc.pid)
  const t0 = now()
  let rss = 0
  const sampler = setInterval(() => (rss = Math.max(rss, rssMb(server.proc.pid))), 250)
  for (let k = 0; k < total;) {
    const wait = t0 + (k * 1000) / rate - now()
    if (wait > 1) await sleep(wait - 0.5)
    else writeSync(fd, `L${k++}@${now().toFixed(3)} ${'x'.repeat(80)}\n`)
  }
  w.send({ type: 'expect', total })
  // Lines still missing after 30 s are reported as such (verified < clients), not waited for.
  const late = setTimeout(() => w.send({ type: 'report' }), 30_000)
  const res = await done
  clearTimeout(late)
  const cpu = ((cpuSeconds(server.proc.pid) - cpu0) / ((now() - t0) / 1000)) * 100
  clearInterval(sampler)
  w.kill()
  for (const p of [edge?.proc, watcher.proc, redis]) if (p) p.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  const row = { via, clients, ...res, cpu, rss }
  console.log(JSON.stringify(row))
  return row
}

/** A watcher (file given) or an edge ('-') in its own process, serving HTTP on a free port. */
function role(kind, file, url) {
  const proc = spawn(process.execPath, [SELF, '--role', kind, file, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`${kind} exited with ${c}`)))
    proc.stdout.once('data', (d) => resolve({ proc, url: d.toString().trim() }))
  })
}

async function roleMain(kind, file, url) {
  const { serveNode } = await import(join(ROOT, 'dist/server/node-serve.js'))
  const redis = await import(join(ROOT, 'dist/redis/roles.js'))
  let sources
  if (kind === 'watcher') {
    const { createFileSource } = await import(join(ROOT, 'dist/follow/file-source.js'))
    sources = [await createFileSource('bench.log', file)]
    redis.startWatcherPublishing(sources, url)
  } else sources = (await redis.createEdgeSources(url)).sources
  const node = await serveNode(
    { sources, version: 'bench', maxClients: 20_000, lines: 0 },
    { host: '127.0.0.1', port: 0 }
  )
  process.stdout.write(`${node.url}\n`)
}

const fmt = (v) => (v === undefined ? '     -  ' : v.toFixed(2).padStart(8))

if (process.argv[2] === '--load') runLoadProcess()
else if (process.argv[2] === '--role')
  await roleMain(process.argv[3], process.argv[4], process.argv[5])
else await main()
