#!/usr/bin/env node
/**
 * @module A steady flood to one client (issue 10): RATE lines/s for SECONDS into a file, the real
 * CLI following it and one fast SSE client in its own process (bench/burst-client.mjs), every
 * line timed from just before its write to its arrival; then `tail -F` on the same kind of file,
 * read and timed the same way in the same run, as the floor to compare with. Also checks that
 * every line arrived exactly once, in order. Prints p50/p99/max and the target.
 *
 *   node bench/rate.mjs [--rate 100000] [--seconds 5] [--line-bytes 110] [--cli FILE] [--json FILE]
 *
 * The writer writes each 1 ms tick's due lines in one write (a busy logger's buffered output).
 * Needs a built checkout (npm run build); runs on 127.0.0.1 in a temporary directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { forkChild } from './lib/child.mjs'
import { CLI, alive, startCli, stopProc } from './lib/cli-server.mjs'
import { WRITER } from './lib/burst-run.mjs'
import { maxSampler, cpuSeconds } from './lib/proc-stats.mjs'

const CLIENT = new URL('./burst-client.mjs', import.meta.url).pathname
const args = parseArgs(process.argv.slice(2))
const rate = numberArg(args, 'rate', 100_000, 1, 1_000_000, 'rate')
const seconds = numberArg(args, 'seconds', 5, 1, 600, 'rate')
const lineBytes = numberArg(args, 'line-bytes', 110, 40, 4096, 'rate')
const cli = args.cli ? resolve(args.cli) : CLI

async function measure(kind) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-rate-'))
  const file = join(dir, 'rate.log')
  writeFileSync(file, 'start\n')
  const server = kind === 'taillight' ? await startCli(['--port', '0', file], { cli }) : null
  const client = forkChild(CLIENT)
  const writer = forkChild(WRITER)
  const rss = server && maxSampler(server.proc.pid)
  try {
    client.send({
      type: 'start',
      mode: kind === 'taillight' ? 'sse' : 'tail',
      url: server?.url,
      file,
    })
    if (!(await client.next('ready', 15_000)))
      throw new Error(`${kind}: the client never got ready`)
    const cpu0 = server && cpuSeconds(server.proc.pid)
    const done = client.next('done')
    writer.send({ mode: 'rate', file, rate, seconds, lineBytes })
    const w = await writer.next('done', (seconds + 60) * 1000)
    if (!w) throw new Error(`${kind}: the writer did not finish`)
    client.send({ type: 'expect', total: w.lines })
    const late = setTimeout(() => client.send({ type: 'report' }), 30_000)
    const r = await done
    clearTimeout(late)
    return {
      kind,
      lines: w.lines,
      achievedRate: w.lines / ((w.endAt - w.startAt) / 1000),
      writes: w.writes,
      p50: r.p50,
      p99: r.p99,
      max: r.max,
      exactlyOnce: r.next === w.lines && r.received === w.lines && !r.duplicates && !r.gaps,
      received: r.received,
      events: r.events,
      maxEventBytes: r.maxEventBytes,
      reconnects: r.reconnects,
      names: r.names,
      serverCpu: server
        ? ((cpuSeconds(server.proc.pid) - cpu0) / (w.endAt - w.startAt)) * 1e5
        : undefined,
      serverRssMb: rss?.stop(),
      survived: server ? alive(server.proc) : true,
    }
  } finally {
    rss?.stop()
    client.send({ type: 'stop' })
    client.kill()
    writer.kill()
    if (server) await stopProc(server.proc)
    rmSync(dir, { recursive: true, force: true })
  }
}

console.log(
  `rate: node ${process.version}, ${rate} lines/s for ${seconds} s, ${lineBytes}-byte lines, cli ${cli}`
)
const rows = []
for (const kind of ['taillight', 'tail -F']) {
  try {
    rows.push(await measure(kind))
  } catch (err) {
    rows.push({ kind, error: err.message })
    process.exitCode = 1
  }
  console.log(JSON.stringify(rows.at(-1)))
}
const fmt = (v) => (v === undefined ? '       –' : v.toFixed(2).padStart(8))
console.log(
  '\nreader      lines/s    p50 ms   p99 ms   max ms  exactly once  events  server CPU %  server RSS MB'
)
for (const r of rows) {
  if (r.error) console.log(`${r.kind.padEnd(10)}  failed: ${r.error}`)
  else
    console.log(
      `${r.kind.padEnd(10)} ${Math.round(r.achievedRate).toString().padStart(8)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)}  ${(r.exactlyOnce ? 'yes' : `no (${r.received})`).padEnd(12)} ${String(r.events ?? '–').padStart(7)} ${r.serverCpu === undefined ? '           –' : r.serverCpu.toFixed(0).padStart(12)} ${r.serverRssMb === undefined ? '            –' : r.serverRssMb.toFixed(0).padStart(13)}`
    )
}
const tl = rows.find((r) => r.kind === 'taillight' && !r.error)
const target = {
  target: `${rate.toLocaleString('en-US')} lines/s to one client: p99 ≤ 20 ms`,
  measured: tl ? `p99 ${tl.p99.toFixed(1)} ms (p50 ${tl.p50.toFixed(2)} ms)` : 'failed',
  met: tl ? tl.p99 <= 20 && tl.exactlyOnce : false,
}
console.log(`\n${target.met ? 'met' : 'MISSED'}       ${target.target}: ${target.measured}`)
if (args.json)
  writeFileSync(
    args.json,
    JSON.stringify(
      { node: process.version, rate, seconds, lineBytes, rows, targets: [target] },
      null,
      2
    )
  )
