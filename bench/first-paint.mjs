#!/usr/bin/env node
/**
 * @module First paint of the viewer: navigation start → the first log line rendered in the
 * page (issue 12 asks for 300 ms), over LOADS fresh loads in headless Chromium (a new context
 * each, so no HTTP cache, like a first visit), with the real server following a file of LINES
 * lines. Prints p50/p90/max (with the machine's load average: on a busy box every step is
 * slower) and, per load, when the HTML and the script arrived and /api/files was asked and
 * answered, when the stream worker's script arrived, and when the page had built the viewer
 * (mark taillight-viewer) and wired the rest (taillight-wired), so a slow step shows as the gap
 * before it. (The stream's request is not in the
 * page's resource timing: EventSource and the stream worker's fetch are not listed there.)
 * Usage: node bench/first-paint.mjs [--loads 10] [--lines 5000] [--query worker=0] [--json FILE]
 * (`--query`: added to the page's URL, to compare the viewer's options)
 * Needs a built checkout (npm run build) and Chromium (/usr/bin/chromium or CHROMIUM_PATH).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { chromiumPath, launchChromium } from './lib/chromium.mjs'
import { ROOT, startCli } from './lib/cli-server.mjs'

const args = parseArgs(process.argv.slice(2))
const LOADS = numberArg(args, 'loads', 10, 1, 200, 'first-paint')
const LINES = numberArg(args, 'lines', 5000, 1, 10_000_000, 'first-paint')
const QUERY = typeof args.query === 'string' ? `?${args.query}` : ''
const JSON_PATH = typeof args.json === 'string' ? args.json : undefined
chromiumPath()
if (!existsSync(join(ROOT, 'dist/cli.js')) || !existsSync(join(ROOT, 'web/dist/app.js')))
  throw new Error('build first: npm run build')

const dir = mkdtempSync(join(tmpdir(), 'taillight-first-paint-'))
const file = join(dir, 'app.log')
const body = Array.from(
  { length: LINES },
  (_, i) => `2026-12-01T10:00:${String(i % 60).padStart(2, '0')}.000Z INFO request ${i} GET /x 200`
)
writeFileSync(file, body.join('\n') + '\n')

// Runs before the page's own script: the time (ms since navigation start) of the first frame
// after a line row gets text, so "rendered" means painted, not just in the DOM.
const PROBE = `(() => {
  const seen = () => {
    // The viewer's rows, or the page's seed drawn before the viewer exists (page-seed.ts).
    const rows = document.querySelectorAll('[data-testid="line"], [data-testid="seed-line"]')
    for (const e of rows) if (e.textContent) return true
    return false
  }
  const obs = new MutationObserver(() => {
    if (!seen()) return
    obs.disconnect()
    requestAnimationFrame(() => (window.__firstLine = performance.now()))
  })
  // The document from its start: lines may be drawn while it is parsed (the page's seed).
  obs.observe(document, { childList: true, subtree: true, characterData: true })
})()`

const STEPS = `(() => {
  const nav = performance.getEntriesByType('navigation')[0]
  const res = (part) => performance.getEntriesByType('resource').find((r) => r.name.includes(part))
  const at = (r, k) => (r ? Math.round(r[k]) : undefined)
  const mark = (name) => at(performance.getEntriesByName(name)[0], 'startTime')
  return {
    firstLine: Math.round(window.__firstLine),
    html: Math.round(nav.responseEnd),
    script: at(res('app.js'), 'responseEnd'),
    filesStart: at(res('api/files'), 'startTime'),
    filesEnd: at(res('api/files'), 'responseEnd'),
    worker: at(res('stream-worker'), 'responseEnd'),
    seed: mark('taillight-seed'),
    viewer: mark('taillight-viewer'),
    wired: mark('taillight-wired'),
    heard: mark('taillight-heard'),
    init: mark('taillight-init'),
    fcp: at(performance.getEntriesByName('first-contentful-paint')[0], 'startTime'),
  }
})()`

const { proc: server, url } = await startCli(['--port', '0', file])
const browser = await launchChromium()
const runs = []
try {
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    await page.addInitScript(PROBE)
    await page.goto(url + QUERY)
    await page.waitForFunction(() => globalThis.__firstLine !== undefined, null, {
      timeout: 15_000,
      polling: 20,
    })
    runs.push(await page.evaluate(STEPS))
    await context.close()
  }
} finally {
  await browser.close()
  server.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
}

const sorted = runs.map((r) => r.firstLine).sort((a, b) => a - b)
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]
const load = loadavg().map((x) => Number(x.toFixed(2)))
const result = {
  loadavg: load,
  loads: LOADS,
  lines: LINES,
  query: QUERY,
  p50: q(0.5),
  p90: q(0.9),
  max: sorted.at(-1),
  runs,
}
console.log(
  `first-paint: navigation → first line rendered, ${LOADS} fresh loads, ${LINES}-line file`
)
console.log(
  `  p50 ${result.p50} ms   p90 ${result.p90} ms   max ${result.max} ms   (load average ${load.join(' ')})`
)
console.log(
  '  per load (ms since navigation): html    seed  app.js  files→  →files  worker  viewer   wired   heard    init     fcp  first line'
)
for (const r of runs) {
  const f = (v) => String(v ?? '-').padStart(6)
  console.log(
    '  ' +
      [
        r.html,
        r.seed,
        r.script,
        r.filesStart,
        r.filesEnd,
        r.worker,
        r.viewer,
        r.wired,
        r.heard,
        r.init,
        r.fcp,
        r.firstLine,
      ]
        .map(f)
        .join('  ')
  )
}
if (JSON_PATH) writeFileSync(JSON_PATH, JSON.stringify(result, null, 2) + '\n')
