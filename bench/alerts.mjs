#!/usr/bin/env node
/**
 * @module What alert rules cost on the reading path: batches of lines pushed through the
 * Alerts listener exactly as a follower delivers them (synchronously, nothing awaited), with
 * 1, 10 and 100 rules of which one matches 1 line in 100. Prints the time per line, the lines
 * per second, the POSTs a loopback receiver got (the rate limit folds the rest) and the heap
 * growth, for each rule count.
 *
 *   node bench/alerts.mjs [--lines 200000] [--rules 1,10,100]
 *
 * Needs a built checkout (npm run build:ts).
 */
import { createServer } from 'node:http'
import { numberArg, numberListArg, parseArgs } from './lib/args.mjs'

const { Alerts } = await import('../dist/alerts/alerts.js')

const args = parseArgs(process.argv.slice(2))
const total = numberArg(args, 'lines', 200_000, 1000, 10_000_000, 'alerts')
const ruleCounts = numberListArg(args, 'rules', [1, 10, 100], 'alerts')

let posts = 0
const server = createServer((req, res) => {
  req.resume()
  req.on('end', () => {
    posts++
    res.end()
  })
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}/hook`

/** A LogSource stand-in with only what Alerts uses: subscribe. */
function source() {
  const listeners = []
  return {
    id: 'bench',
    path: '/var/log/bench.log',
    subscribe: (l) => (listeners.push(l), () => {}),
    emit: (e) => listeners.forEach((l) => l(e)),
  }
}

const BATCH = 500
console.log('rules  ns/line  lines/s     posts  heap MB')
for (const n of ruleCounts) {
  const rules = Array.from({ length: n }, (_, i) => ({
    name: `r${i}`,
    match: i === 0 ? 'ERROR [a-z]+ failed' : `never-${i}-(x|y)+z`,
    webhook: url,
    every: 1,
  }))
  const alerts = new Alerts(rules, { publicUrl: 'https://logs.example/' })
  const s = source()
  alerts.watch(s)
  posts = 0
  globalThis.gc?.()
  const heap0 = process.memoryUsage().heapUsed
  let offset = 0
  const t0 = process.hrtime.bigint()
  for (let done = 0; done < total; done += BATCH) {
    const lines = []
    for (let i = 0; i < BATCH; i++) {
      const k = done + i
      const text =
        k % 100 === 0
          ? `2026-12-01T00:00:00Z ERROR disk failed on /dev/sda${k}`
          : `2026-12-01T00:00:00Z INFO request ${k} served in 12 ms`
      lines.push({ text, offset })
      offset += text.length + 1
    }
    s.emit({ type: 'lines', lines, start: 0, end: offset, cursor: `c${offset}` })
  }
  const ns = Number(process.hrtime.bigint() - t0) / total
  await new Promise((r) => setTimeout(r, 1000))
  const heap = (process.memoryUsage().heapUsed - heap0) / 1024 / 1024
  console.log(
    `${String(n).padStart(5)}  ${ns.toFixed(0).padStart(7)}  ${Math.round(1e9 / ns)
      .toString()
      .padStart(9)}  ${String(posts).padStart(8)}  ${heap.toFixed(1).padStart(7)}`
  )
  alerts.close()
}
server.close()
