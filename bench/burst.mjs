#!/usr/bin/env node
/**
 * @module Bursts: what a server costs and sends when a log grows by millions of lines at disk
 * speed (issue 10: "the file is the buffer"). For each burst size a fresh file and the real CLI
 * (`taillight --port 0 FILE`), one fast SSE client in its own process, and N lines appended in
 * 1 MiB writes by a writer process; then the server's peak RSS, the largest event, the number
 * of events, the time from the end of the write to the last line at the client, whether every
 * line arrived exactly once, in order, and whether the server survived. With --browser, the same
 * for the viewer in headless Chromium during a burst of --browser-lines lines (longest frame,
 * JS heap, newest line on screen, a `skipped` marker). Prints figures and each target.
 *
 *   node bench/burst.mjs [--lines 1000000,5000000,10000000] [--line-bytes 110] [--browser]
 *                        [--browser-lines 3000000] [--wait 120] [--cli bin/taillight.js]
 *                        [--json FILE]
 *
 * --wait: seconds after the write ends to wait for the last line (default 120). --cli: another
 * checkout's bin/taillight.js, to measure a build before and after a change in the same way.
 * Needs a built checkout (npm run build). Everything runs on 127.0.0.1 in a temporary directory
 * (up to 1.1 GB of log at 10M lines, removed after each run).
 */
import { writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { numberArg, numberListArg, parseArgs } from './lib/args.mjs'
import { runBrowserBurst } from './lib/burst-browser.mjs'
import { runBurst } from './lib/burst-run.mjs'
import { burstTargets, printBrowser, printBursts } from './lib/burst-print.mjs'
import { CLI } from './lib/cli-server.mjs'

const args = parseArgs(process.argv.slice(2))
const sizes = numberListArg(args, 'lines', '1000000,5000000,10000000', 'burst')
const lineBytes = numberArg(args, 'line-bytes', 110, 40, 4096, 'burst')
const waitSeconds = numberArg(args, 'wait', 120, 5, 1800, 'burst')
const browserLines = numberArg(args, 'browser-lines', 3_000_000, 1000, 50_000_000, 'burst')
const cli = args.cli ? resolve(args.cli) : CLI

console.log(
  `burst: node ${process.version}, ${lineBytes}-byte lines, cli ${cli}; ` +
    'server, client and writer share this machine'
)
const out = { node: process.version, lineBytes, cli, waitSeconds, bursts: [], browser: null }
const save = () => args.json && writeFileSync(args.json, JSON.stringify(out, null, 2))
for (const lines of sizes) {
  try {
    const r = await runBurst({ lines, lineBytes, cli, waitSeconds })
    console.log(JSON.stringify(r))
    out.bursts.push(r)
  } catch (err) {
    console.log(`burst of ${lines} lines failed: ${err.message}`)
    out.bursts.push({ lines, error: err.message })
    process.exitCode = 1
  }
  save()
}
if (args.browser) {
  try {
    out.browser = await runBrowserBurst({ lines: browserLines, lineBytes, cli, waitSeconds })
    console.log(JSON.stringify(out.browser))
  } catch (err) {
    console.log(`browser burst failed: ${err.message}`)
    out.browser = { lines: browserLines, error: err.message }
    process.exitCode = 1
  }
}
out.targets = burstTargets(out)
save()
printBursts(out.bursts)
if (out.browser) printBrowser(out.browser)
console.log('\ntargets (issue 10)')
for (const t of out.targets) console.log(`${t.verdict.padEnd(12)} ${t.target}: ${t.measured}`)
