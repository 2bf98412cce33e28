#!/usr/bin/env node
/**
 * @module What --base-path costs per request: the same app answering GET /health and
 * /api/files at the root and under /logs (the prefix check of base-path.ts), in-process
 * through app.fetch, no sockets. Prints µs per request (median of alternating rounds) for
 * each, and the difference.
 *
 *   node bench/base-path.mjs [--requests 20000] [--rounds 5]
 *
 * Needs a built checkout (npm run build:ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'

const { createApp } = await import('../dist/server/app.js')
const { createFileSource } = await import('../dist/follow/file-source.js')
const args = parseArgs(process.argv.slice(2))
const requests = numberArg(args, 'requests', 20_000, 100, 1_000_000, 'base-path')
const rounds = numberArg(args, 'rounds', 5, 1, 50, 'base-path')

const dir = mkdtempSync(join(tmpdir(), 'taillight-bench-base-'))
const file = join(dir, 'app.log')
writeFileSync(file, 'one\ntwo\n')
const source = await createFileSource('app', file)
const sources = [source]

async function round(app, path) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < requests; i++) {
    const res = await app.fetch(new Request(`http://127.0.0.1${path}`))
    await res.arrayBuffer()
  }
  return Number(process.hrtime.bigint() - t0) / 1e3 / requests
}
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const root = createApp({ sources, version: 'bench' })
const sub = createApp({ sources, version: 'bench', basePath: '/logs' })
console.log(`requests ${requests} x ${rounds} rounds, alternating, after a warm-up round each`)
for (const path of ['/health', '/api/files']) {
  await round(root, path)
  await round(sub, `/logs${path}`)
  const a = []
  const b = []
  // Alternating rounds, so a change in the machine's load hits both alike.
  for (let r = 0; r < rounds; r++) {
    a.push(await round(root, path))
    b.push(await round(sub, `/logs${path}`))
  }
  const [ma, mb] = [median(a), median(b)]
  console.log(
    `${path.padEnd(11)} root ${ma.toFixed(2)} µs/req   /logs ${mb.toFixed(2)} µs/req   ${mb >= ma ? '+' : ''}${(mb - ma).toFixed(2)} µs`
  )
}
root.close()
sub.close()
await source.close()
rmSync(dir, { recursive: true, force: true })
