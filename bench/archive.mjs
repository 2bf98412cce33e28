#!/usr/bin/env node
/**
 * @module Paging back through a gzip'd rotated sibling (issue 11, the rotated past), through the
 * real CLI: with the checkpoint index, and what the same pages cost without one (inflating from
 * the start of the archive to each page, with node:zlib, native code).
 *
 * app.log.1.gz holds --mb MiB (default 100) of log lines; app.log a few. First the scrollback
 * requests that reach the archive (indexing it, 64 MiB a request), then --pages pages of 1000
 * lines back from its end, then a search for a needle in the archive's 10th line from the end of
 * the current file, next to zgrep -c. Files are kept in .bench-tmp/archive and reused.
 * Prints figures; asserts nothing.
 *
 *   node bench/archive.mjs [--mb 100] [--pages 20]
 */
import { spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createGunzip, gzipSync } from 'node:zlib'
import { numberArg, parseArgs } from './lib/args.mjs'
import { ROOT, startCli, stopProc } from './lib/cli-server.mjs'

const args = parseArgs(process.argv.slice(2))
const MB = numberArg(args, 'mb', 100, 1, 4096, 'archive')
const PAGES = numberArg(args, 'pages', 20, 1, 1000, 'archive')
const DIR = join(ROOT, '.bench-tmp/archive')
const NEEDLE = 'OutOfMemoryError: Java heap space'

function makeArchive(path, bytes) {
  if (existsSync(`${path}.size`) && Number(spawnSync('cat', [`${path}.size`]).stdout) === bytes)
    return
  const lines = []
  let size = 0
  for (let i = 0; size < bytes; i++) {
    const n = (i * 2654435761) >>> 0
    let line = `2026-11-30T${String(i % 24).padStart(2, '0')}:00:00Z INFO req=${n % 100000} user=u${n % 977} path=/api/${n % 31} took=${n % 997}ms`
    if (i === 9) line += ` ${NEEDLE}`
    lines.push(line)
    size += line.length + 1
  }
  writeFileSync(path, gzipSync(lines.join('\n') + '\n'))
  writeFileSync(`${path}.size`, String(bytes))
}

async function getJson(url) {
  const t0 = performance.now()
  const res = await fetch(url)
  const body = await res.json()
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`)
  return { body, ms: performance.now() - t0 }
}

/** Milliseconds to inflate the archive from its start up to `end` bytes (no index). */
function inflateTo(path, end) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    let got = 0
    const z = createGunzip()
    const src = createReadStream(path)
    z.on('data', (b) => {
      got += b.length
      if (got >= end) {
        src.destroy()
        z.destroy()
        resolve(performance.now() - t0)
      }
    })
    z.on('end', () => resolve(performance.now() - t0))
    z.on('error', reject)
    src.pipe(z)
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]

mkdirSync(DIR, { recursive: true })
const gz = join(DIR, 'app.log.1.gz')
makeArchive(gz, MB * 2 ** 20)
const current = join(DIR, 'app.log')
writeFileSync(current, 'now line 1\nnow line 2\n')
const cli = await startCli(['--port', '0', '--host', '127.0.0.1', current], { onStderr: () => {} })
const base = cli.url.replace(/\/$/, '')
try {
  console.log(
    `app.log.1.gz: ${MB} MiB of lines, ${(statSync(gz).size / 2 ** 20).toFixed(1)} MiB compressed`
  )
  // Reaching the archive: the requests that index it, one 64 MiB step each.
  let r = await getJson(`${base}/api/lines?limit=1000`)
  let before = r.body.first
  let steps = 1
  let indexMs = r.ms
  while (r.body.indexing || r.body.source === undefined) {
    r = await getJson(`${base}/api/lines?limit=1000&before=${before}`)
    indexMs += r.ms
    steps++
    before = r.body.first
    if (!r.body.more) break
  }
  console.log(
    `reaching it (the scrollback requests that index it): ${steps} requests, ` +
      `${indexMs.toFixed(0)} ms in all`
  )
  const ours = []
  const offsets = []
  for (let i = 0; i < PAGES && r.body.more; i++) {
    r = await getJson(`${base}/api/lines?limit=1000&before=${before}`)
    ours.push(r.ms)
    before = r.body.first
    offsets.push(Number(before.split('-')[0]))
  }
  const without = []
  for (const off of offsets.slice(0, 5)) without.push(await inflateTo(gz, off))
  console.log(`paging back, ${ours.length} pages of 1000 lines from the archive's end:`)
  console.log(
    `  with the checkpoint index: median ${median(ours).toFixed(1)} ms, p95 ${p95(ours).toFixed(1)} ms a page (HTTP included)`
  )
  console.log(
    `  without (node:zlib from the start to each page): median ${median(without).toFixed(0)} ms a page (inflate alone)`
  )
  // Search for the needle near the archive's start, from the end of the current file.
  const t0 = performance.now()
  let next = null
  let requests = 0
  let found = 0
  for (;;) {
    const q = `${base}/api/search?limit=10&q=${encodeURIComponent(NEEDLE)}${next ? `&before=${next}` : ''}`
    const s = await getJson(q)
    requests++
    found += s.body.matches.length
    if (s.body.done || found > 0) break
    next = s.body.next
  }
  const searchMs = performance.now() - t0
  const z0 = performance.now()
  spawnSync('zgrep', ['-c', NEEDLE, gz])
  const zMs = performance.now() - z0
  console.log(
    `search to a needle at the archive's start: ${searchMs.toFixed(0)} ms, ${requests} requests, ` +
      `found ${found}; zgrep -c ${zMs.toFixed(0)} ms`
  )
} finally {
  await stopProc(cli.proc)
}
