#!/usr/bin/env node
/**
 * @module The floor under the fan-out's cost per client on this machine: what the kernel alone
 * takes for one small send over loopback TCP to a process that reads every connection with
 * epoll (bench/load/send-floor.c, no server, no Node). A flush to N clients cannot cost less
 * than N of these, and the fan-out's p99 is about two flushes plus the pacer's rest (README,
 * "Design notes (server)"), so this bounds what any server reaches here.
 *
 *   node bench/send-floor.mjs [--clients 5000,10000] [--rounds 40] [--bytes 200]
 */
import { execFileSync } from 'node:child_process'
import { parseArgs } from './lib/args.mjs'
import { buildC } from './lib/c-load.mjs'

const args = parseArgs(process.argv.slice(2))
const counts = (args.clients ?? '5000,10000').split(',').map(Number)
const rounds = Number(args.rounds ?? 40)
const bytes = Number(args.bytes ?? 200)
const bin = buildC('send-floor')
console.log('clients  bytes  ms per round  worst round ms  µs per send')
for (const n of counts) {
  const out = execFileSync(bin, [String(n), String(rounds), String(bytes)], { timeout: 120_000 })
  const r = JSON.parse(String(out))
  if (r.error) throw new Error(r.error)
  console.log(
    `${String(n).padStart(7)}  ${String(bytes).padStart(5)}  ${r.msPerRound.toFixed(1).padStart(12)}  ${r.worstRoundMs.toFixed(1).padStart(14)}  ${r.usPerSend.toFixed(2).padStart(11)}`
  )
}
