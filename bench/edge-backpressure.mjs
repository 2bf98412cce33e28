#!/usr/bin/env node
/**
 * @module What a Redis edge holds while its subscriber stalls, and while it catches up after.
 *
 * A watcher publishes a burst (full follower batches, the largest entries there are) while the
 * edge's only subscriber holds every event; then the subscriber takes events out as fast as the
 * event loop turns (one setImmediate each) and the edge catches up. Printed: events delivered
 * and entries applied during the stall, the entries one XREAD reply held at most and their
 * size, the peak heap growth during catch-up, and the catch-up rate.
 *
 *   node --expose-gc bench/edge-backpressure.mjs [--mb 64] [--read-bytes 4194304]
 *
 * --read-bytes 1e12 turns the byte budget off (COUNT 512 per XREAD, the old behaviour).
 * Needs dist/ (built here with tsc) and redis-server; everything on 127.0.0.1, bounded in time.
 */
import { execFileSync, spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { ROOT } from './lib/cli-server.mjs'
import { sleep } from './lib/clock.mjs'
import { freePort, waitPort } from './lib/net.mjs'

const args = parseArgs(process.argv.slice(2))
const mb = numberArg(args, 'mb', 64, 1, 1024, 'edge-backpressure')
const readBytes = numberArg(args, 'read-bytes', 4 * 1024 * 1024, 1, 1e15, 'edge-backpressure')
const gc = globalThis.gc ?? (() => undefined)

console.log('building dist/ ...')
execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
const { createFileSource } = await import(join(ROOT, 'dist/follow/file-source.js'))
const { createEdgeSources, startWatcherPublishing } = await import(
  join(ROOT, 'dist/redis/roles.js')
)
const { entrySize } = await import(join(ROOT, 'dist/redis/protocol.js'))

const dir = mkdtempSync(join(tmpdir(), 'taillight-bench-'))
const port = await freePort()
const redisArgs = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]
const redisProc = spawn('redis-server', [...redisArgs, '--appendonly', 'no'], { stdio: 'ignore' })
await waitPort(port, 'redis-server')
const redis = { url: `redis://127.0.0.1:${port}`, stop: () => redisProc.kill('SIGKILL') }
const path = join(dir, 'app.log')
writeFileSync(path, '')
const file = await createFileSource('app.log', path, { poll: true, pollMaxMs: 20 })
const pub = startWatcherPublishing([file], redis.url, { heartbeatMs: 200 })
const edges = await createEdgeSources(redis.url, {
  startTimeoutMs: 10_000,
  reader: { blockMs: 500, maxReadBytes: readBytes },
})
const src = edges.sources[0]

let holding = true
const release = []
let events = 0
let lines = 0
src.subscribe((e) => {
  if (e.type !== 'lines') return
  events++
  lines += e.lines.length
  if (holding) return new Promise((r) => release.push(r))
  return new Promise((r) => setImmediate(r))
})

// Peak of what the edge holds between XREADs: entries of one reply not applied yet.
let maxHeld = 0
let maxEntry = 0
const origApply = src.apply.bind(src)
src.apply = (entries = []) => {
  for (const e of entries) maxEntry = Math.max(maxEntry, entrySize(e))
  maxHeld = Math.max(maxHeld, src.held + entries.length)
  origApply(entries)
}

const line = 'x'.repeat(199) + '\n'
const chunk = line.repeat(Math.floor((256 * 1024) / line.length))
const total = Math.floor((mb * 1024 * 1024) / chunk.length)
const deadline = Date.now() + 120_000
for (let i = 0; i < total && Date.now() < deadline; i++) {
  appendFileSync(path, chunk)
  if (i % 8 === 7) await sleep(5)
}
const want = total * (chunk.length / line.length)
const ps = pub.publishers[0].stats
while (pub.publishers[0].held.entries > 0 && Date.now() < deadline) await sleep(50)
await sleep(500)
console.log(
  `stall: ${ps.published} entries published (${mb} MiB), edge delivered ${events} events, ` +
    `applied ${src.stats.entries} entries, holds ${src.held}`
)

gc()
const base = process.memoryUsage().heapUsed
let peak = base
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5)
const t0 = performance.now()
holding = false
for (const r of release.splice(0)) r()
while (lines < want && Date.now() < deadline) await sleep(5)
const secs = (performance.now() - t0) / 1000
clearInterval(sampler)
console.log(
  `catch-up: ${lines}/${want} lines in ${secs.toFixed(2)} s (${(mb / secs).toFixed(1)} MiB/s); ` +
    `one reply held ${maxHeld} entries at most (largest ${(maxEntry / 1024).toFixed(0)} KiB, ` +
    `${((maxHeld * maxEntry) / 1048576).toFixed(1)} MiB); heap peak +${((peak - base) / 1048576).toFixed(1)} MiB`
)

await edges.close()
await pub.close(0)
await file.close()
await redis.stop()
rmSync(dir, { recursive: true, force: true })
process.exit(lines === want ? 0 : 1)
