#!/usr/bin/env node
/**
 * @module Write-to-'lines'-event latency of the follower, native notification vs stat polling.
 * Usage: npm run build && node bench/follow-latency.mjs [samples=500] [--json results.json]
 * Each sample appends one line, waits for the follower to emit it, then idles a random
 * 2-20 ms (so polling is measured at its realistic, partly backed-off interval).
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Follower } from '../dist/follow/follower.js'
import { loadNative } from '../dist/follow/native.js'
import { parseArgs } from './lib/args.mjs'
import { pctSorted as pct } from './lib/percentiles.mjs'

const args = parseArgs(process.argv.slice(2))
const jsonPath = typeof args.json === 'string' ? args.json : undefined
const samples = Number(args._[0] ?? 500)
const results = []
const dir = mkdtempSync(join(tmpdir(), 'taillight-bench-'))

async function measure(label, opts) {
  const log = join(dir, `${label}.log`)
  writeFileSync(log, '')
  const f = new Follower(log, opts)
  let resolveLine = () => {}
  f.on((e) => {
    if (e.type === 'lines') resolveLine(performance.now())
  })
  await f.start()
  const lat = []
  for (let i = 0; i < samples; i++) {
    const got = new Promise((r) => (resolveLine = r))
    const t0 = performance.now()
    appendFileSync(log, `2026-11-23T12:00:00.000Z INFO sample ${i} of the latency benchmark\n`)
    lat.push((await got) - t0)
    await new Promise((r) => setTimeout(r, 2 + Math.random() * 18))
  }
  await f.close()
  lat.sort((a, b) => a - b)
  const backend = f.backend
  results.push({
    label,
    backend: backend.backend,
    reason: backend.reason,
    samples,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat.at(-1),
  })
  console.log(
    `${label.padEnd(8)} backend=${backend.backend}${backend.reason ? `(${backend.reason})` : ''} ` +
      `samples=${samples} p50=${pct(lat, 50).toFixed(3)} ms p99=${pct(lat, 99).toFixed(3)} ms ` +
      `max=${lat.at(-1).toFixed(3)} ms`
  )
}

const native = loadNative()
if (native.binding) await measure('native', {})
else {
  console.log(`native   skipped: ${native.reason}`)
  results.push({ label: 'native', skipped: native.reason })
}
await measure('poll', { poll: true })
rmSync(dir, { recursive: true, force: true })
if (jsonPath) writeFileSync(jsonPath, JSON.stringify({ samples, results }, null, 2))
