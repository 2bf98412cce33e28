/**
 * @module Last-10-lines latency and memory on a 10 GiB log: native readBackward vs the TypeScript twin.
 * Usage: npx tsc -p tsconfig.build.json && node --expose-gc bench/tail-big-file.mjs [--json FILE]
 * Env: BENCH_DIR (default os.tmpdir()), BENCH_GIB (default 10; fractions such as 0.5 work, in
 * steps of 64 MiB), BENCH_ITERATIONS (default 30), BENCH_DROP_CACHES=1 (root only: drop the page
 * cache before every run for truly cold reads). --json FILE: also write the figures to FILE.
 */
import {
  closeSync,
  fsyncSync,
  mkdtempSync,
  openSync,
  rmSync,
  statfsSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { open } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const GIB = 1024 ** 3
const BLOCK = 64 * 1024 * 1024
const wantBytes = Number(process.env.BENCH_GIB ?? 10) * GIB
const iterations = Number(process.env.BENCH_ITERATIONS ?? 30)
const dropCaches = process.env.BENCH_DROP_CACHES === '1'
const jsonAt = process.argv.indexOf('--json')
const jsonPath = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined
const results = { iterations, cold: dropCaches, runs: [] }

const { readBackward, readBackwardTs, DEFAULT_CHUNK_SIZE } = await import(
  pathToFileURL(path.join(root, 'dist/follow/read-backward.js')).href
).catch(() => {
  console.error('bench: dist/ is missing; run `npx tsc -p tsconfig.build.json` first')
  process.exit(1)
})
const native = createRequire(import.meta.url)(path.join(root, 'build/Release/taillight.node'))

function logBlock() {
  // Realistic lines of varying length; the block ends on a newline so repeats stay aligned.
  const levels = ['INFO', 'DEBUG', 'WARN', 'ERROR']
  const lines = []
  let size = 0
  for (let i = 0; size < BLOCK - 300; i++) {
    const line =
      `2025-11-23T16:${String(i % 60).padStart(2, '0')}:00.${String(i % 1000).padStart(3, '0')}Z ` +
      `${levels[i % 4]} req=${(i * 2654435761) % 1e9} user=u${i % 997} ` +
      `path=/api/v1/items/${i % 5000} took=${i % 733}ms ${'x'.repeat(i % 120)}\n`
    lines.push(line)
    size += Buffer.byteLength(line)
  }
  const buf = Buffer.alloc(BLOCK, '\n')
  Buffer.from(lines.join('')).copy(buf)
  return buf
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b)
  return { p50: sorted[Math.floor(sorted.length / 2)], max: sorted[sorted.length - 1] }
}

async function measure(label, read, file) {
  const times = []
  let rss = 0
  let heap = 0
  for (let i = 0; i < iterations; i++) {
    if (dropCaches) writeFileSync('/proc/sys/vm/drop_caches', '1')
    globalThis.gc?.()
    const before = process.memoryUsage()
    // A fresh descriptor per run; without BENCH_DROP_CACHES the tail is in the page cache.
    const fh = await open(file, 'r')
    const { size } = await fh.stat()
    const t0 = process.hrtime.bigint()
    const result = await read(fh, size)
    const ms = Number(process.hrtime.bigint() - t0) / 1e6
    const after = process.memoryUsage()
    await fh.close()
    if (result.data.toString().split('\n').length !== 11) throw new Error(`${label}: bad result`)
    times.push(ms)
    rss = Math.max(rss, after.rss - before.rss)
    heap = Math.max(heap, after.heapUsed - before.heapUsed)
  }
  const { p50, max } = stats(times)
  const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`
  results.runs.push({ label, p50, max, rssDelta: rss, heapDelta: heap })
  console.log(
    `${label.padEnd(10)} p50 ${p50.toFixed(3)} ms  max ${max.toFixed(3)} ms  ` +
      `max RSS delta ${mib(rss)}  max heap delta ${mib(heap)}  (${iterations} runs)`
  )
}

const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? os.tmpdir(), 'taillight-bench-'))
const file = path.join(dir, 'big.log')
try {
  const { bavail, bsize } = statfsSync(dir)
  const free = bavail * bsize
  // Keep 1 GiB of head room for everything else on the disk.
  const fits = Math.floor((free - GIB) / BLOCK) * BLOCK
  let total = Math.floor(wantBytes / BLOCK) * BLOCK
  if (fits < total) {
    total = Math.max(BLOCK, fits)
    console.log(
      `note: only ${(free / GIB).toFixed(1)} GiB free in ${dir}; using ${(total / GIB).toFixed(2)} GiB`
    )
  }
  const block = logBlock()
  const t0 = Date.now()
  const fd = openSync(file, 'w')
  for (let written = 0; written < total; written += BLOCK) writeSync(fd, block, 0, BLOCK, written)
  // Dirty pages survive drop_caches; flush them so cold runs really read from disk.
  if (dropCaches) fsyncSync(fd)
  closeSync(fd)
  results.bytes = total
  results.writeSeconds = (Date.now() - t0) / 1000
  console.log(
    `wrote ${(total / GIB).toFixed(2)} GiB in ${((Date.now() - t0) / 1000).toFixed(1)} s to ${file}`
  )

  console.log(dropCaches ? 'page cache dropped before every run (cold)' : 'page cache warm')
  const args = [10, 1024 * 1024, DEFAULT_CHUNK_SIZE]
  await measure('native', (fh, size) => readBackward(fh, size, ...args, native), file)
  await measure('ts', (fh, size) => readBackwardTs(fh, size, ...args), file)
  if (jsonPath) writeFileSync(jsonPath, JSON.stringify(results, null, 2))
} finally {
  rmSync(dir, { recursive: true, force: true })
}
