#!/usr/bin/env node
/**
 * @module Browser benchmark of the viewer: writes RATE lines/s into a file for SECONDS seconds
 * with the real server following it and the page open in headless Chromium, then reports frame
 * times (from a requestAnimationFrame probe in the page), JS heap, DOM rows, and whether the
 * newest line is on screen. Usage: node bench/browser-throughput.mjs [--rate 10000]
 * [--seconds 6] [--cap 100000] [--merged N] [--wrap] [--json FILE] (also write the figures to
 * FILE as JSON). `--merged N` writes the same total rate round-robin into N files, each line
 * stamped with the time it is written, and opens the merged view (`?file=*`); `--wrap` turns
 * wrapping on before the writing starts.
 * Needs a built checkout (npm run build) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { FRAME_PROBE, chromiumPath, launchChromium, waitForLine } from './lib/chromium.mjs'
import { ROOT, startCli } from './lib/cli-server.mjs'

const args = parseArgs(process.argv.slice(2))
const RATE = numberArg(args, 'rate', 10_000, 1, 1_000_000, 'browser-throughput')
const SECONDS = numberArg(args, 'seconds', 6, 1, 600, 'browser-throughput')
const CAP = numberArg(args, 'cap', 100_000, 1, 10_000_000, 'browser-throughput')
const MERGED = numberArg(args, 'merged', 0, 0, 64, 'browser-throughput')
const WRAP = args.wrap === true
const TICK_MS = 10
const JSON_PATH = typeof args.json === 'string' ? args.json : undefined
chromiumPath()
if (!existsSync(join(ROOT, 'dist/cli.js')) || !existsSync(join(ROOT, 'web/dist/app.js')))
  throw new Error('build first: npm run build')

const dir = mkdtempSync(join(tmpdir(), 'taillight-bench-'))
const files = Array.from({ length: Math.max(1, MERGED) }, (_, i) =>
  join(dir, MERGED ? `bench-${i + 1}.log` : 'bench.log')
)
for (const f of files) writeFileSync(f, `${new Date().toISOString()} INFO bench start\n`)

const { proc: server, url } = await startCli(['--port', '0', ...files])
const browser = await launchChromium()
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
await page.goto(`${url}?cap=${CAP}${MERGED ? '&file=*' : ''}`)
await page.getByTestId('status').filter({ hasText: /^live/ }).waitFor()
if (WRAP) {
  await page.getByTestId('wrap').click()
  await page.waitForFunction(
    `document.querySelector('#log.wrap, [data-testid="log"].wrap') !== null`
  )
}

// The probe records every animation-frame interval; a long interval is a janky/late frame.
await page.evaluate(FRAME_PROBE)
await page.waitForTimeout(500)
await page.evaluate('window.__frames.length = 0')

const levels = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR']
let n = 0
const started = Date.now()
const total = RATE * SECONDS
const perTick = Math.round((RATE * TICK_MS) / 1000)
await new Promise((resolve) => {
  const timer = setInterval(() => {
    // Catch up on late ticks so the average rate holds even on a busy machine.
    const due = Math.min(total, Math.round(((Date.now() - started) / 1000) * RATE) + perTick)
    const chunks = files.map(() => '')
    // Merged: stamped now, so the merge orders by real time (and holds like it does live).
    const stamp = MERGED ? new Date().toISOString() : undefined
    for (; n < due; n++) {
      const lvl = levels[n % levels.length]
      const time = stamp ?? `2025-06-01T09:14:${String(n % 60).padStart(2, '0')}.000Z`
      chunks[n % files.length] +=
        `${time} ${lvl} request ${n} GET /api/orders/${n % 997} 200 ${n % 50}ms user=${n % 31} \x1b[32mok\x1b[0m\n`
    }
    chunks.forEach((chunk, i) => chunk && appendFileSync(files[i], chunk))
    if (n >= total) {
      clearInterval(timer)
      resolve()
    }
  }, TICK_MS)
})
const writeSeconds = (Date.now() - started) / 1000
const lastLine = `request ${total - 1} `
const caughtUp = Date.now()
await waitForLine(page, lastLine, { timeout: 30_000 })
const lagMs = Date.now() - caughtUp
const m = await page.evaluate(`(() => {
  const f = window.__frames.slice().sort((a, b) => a - b)
  const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))]
  return {
    frames: f.length,
    p50: q(0.5), p99: q(0.99), max: f[f.length - 1],
    heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN,
    rows: document.querySelectorAll('.row').length,
    domNodes: document.getElementsByTagName('*').length,
    stored: window.taillight.store.total,
  }
})()`)
const cdp = await page.context().newCDPSession(page)
await cdp.send('HeapProfiler.collectGarbage')
const afterGc = await page.evaluate('performance.memory.usedJSHeapSize / 1048576')

console.log(
  `browser-throughput: ${total.toLocaleString('en-US')} lines written in ${writeSeconds.toFixed(1)} s (${Math.round(total / writeSeconds).toLocaleString('en-US')} lines/s), cap ${CAP.toLocaleString('en-US')}${MERGED ? `, merged view of ${MERGED} files` : ''}${WRAP ? ', wrap on' : ''}`
)
console.log(
  `  frames: ${m.frames} in ~${writeSeconds.toFixed(1)} s (${(m.frames / writeSeconds).toFixed(0)} fps); frame time p50 ${m.p50.toFixed(1)} ms, p99 ${m.p99.toFixed(1)} ms, longest ${m.max.toFixed(1)} ms`
)
console.log(
  `  JS heap: ${m.heapMB.toFixed(1)} MB at the end, ${afterGc.toFixed(1)} MB after GC; lines held: ${m.stored.toLocaleString('en-US')}`
)
console.log(`  DOM: ${m.rows} row elements, ${m.domNodes} elements in the document`)
console.log(`  newest line on screen ${lagMs} ms after the writer stopped`)
if (JSON_PATH) {
  const summary = {
    ...{ rate: RATE, seconds: SECONDS, cap: CAP, merged: MERGED, wrap: WRAP },
    ...{ total, writeSeconds, lagMs, afterGc },
  }
  writeFileSync(JSON_PATH, JSON.stringify({ ...summary, ...m }, null, 2))
}

await browser.close()
server.kill('SIGTERM')
rmSync(dir, { recursive: true, force: true })
