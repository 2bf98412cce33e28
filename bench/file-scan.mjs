#!/usr/bin/env node
/**
 * @module What the once-a-second re-scan of patterns and directories costs: a directory of N
 * files (a quarter of them rotated siblings), scanned as a directory entry and as a `*.log`
 * pattern, with the file cap at its default. Prints the time per scan (p50, max), the files
 * followed, and the heap used after the scans, for each N.
 *
 *   node bench/file-scan.mjs [--files 1000,10000,50000] [--scans 20]
 *
 * A scan reads at most 10,000 names per directory (MAX_DIR_ENTRIES), so beyond that the cost
 * stops growing with the directory. Needs a built checkout (npm run build:ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'

const { expand, MAX_DIR_ENTRIES } = await import('../dist/config/file-set.js')
const args = parseArgs(process.argv.slice(2))
const counts = String(args.files ?? '1000,10000,50000')
  .split(',')
  .map((s) => Number(s))
  .filter((n) => Number.isInteger(n) && n > 0 && n <= 200_000)
const scans = numberArg(args, 'scans', 20, 1, 1000, 'file-scan')
const LIMIT = 256

const root = mkdtempSync(join(tmpdir(), 'tl-scan-'))
try {
  console.log(
    `file-scan: ${scans} scans each, --max-files ${LIMIT}, ${MAX_DIR_ENTRIES} names read per directory at most`
  )
  for (const n of counts) {
    const dir = join(root, `d${n}`)
    mkdirSync(dir)
    for (let i = 0; i < n; i++)
      writeFileSync(join(dir, i % 4 === 3 ? `app${i}.log.1` : `app${i}.log`), '')
    for (const [kind, path] of [
      ['directory', dir],
      ['pattern', join(dir, '*.log')],
    ]) {
      const times = []
      let followed = 0
      for (let s = 0; s < scans; s++) {
        const t0 = performance.now()
        const r = await expand([{ path }], LIMIT)
        times.push(performance.now() - t0)
        followed = r.named.length
      }
      times.sort((a, b) => a - b)
      const p50 = times[Math.floor(times.length / 2)].toFixed(1)
      const max = times[times.length - 1].toFixed(1)
      const heap = (process.memoryUsage().heapUsed / 1048576).toFixed(1)
      console.log(
        `  ${String(n).padStart(6)} files, ${kind.padEnd(9)}: scan p50 ${p50} ms, max ${max} ms, ${followed} followed, heap ${heap} MiB`
      )
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true })
}
