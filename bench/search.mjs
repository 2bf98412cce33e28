#!/usr/bin/env node
/**
 * @module History search and jump to a time, measured through the real CLI, side by side with
 * grep on the same file in the same run (issue 11).
 *
 * A log of --mb MiB (default 1024) with the needle in its 10th line: each search starts at the
 * end and follows `next` until it reaches the match, so it scans the whole file, as grep does
 * (grep -c reads every byte too). Then jump to a time in a log of --gb GiB (default 10; 0
 * skips it; --mb 0 skips the search): --jumps random targets, each one GET /api/lines?at=. Files are kept in
 * .bench-tmp/search and reused when their size matches. Prints figures; asserts nothing.
 *
 *   node bench/search.mjs [--mb 1024] [--gb 10] [--runs 3] [--jumps 30]
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { numberArg, parseArgs } from './lib/args.mjs'
import { ROOT, startCli, stopProc } from './lib/cli-server.mjs'

const args = parseArgs(process.argv.slice(2))
const MB = numberArg(args, 'mb', 1024, 0, 65536, 'search')
const GB = numberArg(args, 'gb', 10, 0, 64, 'search')
const RUNS = numberArg(args, 'runs', 3, 1, 20, 'search')
const JUMPS = numberArg(args, 'jumps', 30, 1, 1000, 'search')
const DIR = join(ROOT, '.bench-tmp/search')
const T0 = Date.UTC(2026, 11, 1, 0, 0, 0)
const NEEDLE = 'OutOfMemoryError: Java heap space'

const WORDS = ['alice', 'bob', 'carol', 'dave', 'eve', 'Zoë', 'Jürgen', 'mallory']
const PATHS = ['/api/users', '/api/orders', '/health', '/login', '/static/app.js']

/** One block of ~4 MiB of lines stamped `stamp`; `needle` goes into its 10th line. */
function block(stamp, seed, needle) {
  const out = []
  let size = 0
  for (let i = 0; size < 4 * 1024 * 1024; i++) {
    const n = (seed * 7919 + i * 104729) >>> 0
    let line = `${stamp} INFO req=${n % 100000} user=${WORDS[n % 8]} path=${PATHS[n % 5]} status=${200 + (n % 3) * 100} took=${n % 997}ms`
    if (i === 9 && needle) line += ` ${NEEDLE}`
    if (n % 750 === 0) line += '\n    at com.example.Handler.run(Handler.java:42)'
    out.push(line)
    size += line.length + 1
  }
  return out.join('\n') + '\n'
}

/** A log of `bytes` (rounded to blocks), one second per block; reused when already there. */
function makeLog(path, bytes, needle) {
  const blocks = Math.ceil(bytes / (4 * 1024 * 1024))
  if (existsSync(path) && Math.abs(statSync(path).size - bytes) < 8 * 1024 * 1024) return
  process.stderr.write(`search: writing ${path} (${(bytes / 2 ** 30).toFixed(1)} GiB)\n`)
  const fd = openSync(path, 'w')
  // Blocks after the first differ only in their stamp: one template, the stamp replaced.
  const STAMP = new Date(T0).toISOString()
  const template = block(STAMP, 1, false)
  for (let b = 0; b < blocks; b++) {
    const stamp = new Date(T0 + b * 1000).toISOString()
    writeSync(fd, b === 0 ? block(stamp, 0, needle) : template.replaceAll(STAMP, stamp))
  }
  closeSync(fd)
}

/**
 * GET as JSON. The server closes a keep-alive connection idle for 5 s (grep runs in between);
 * a request sent as it closes fails with "other side closed" and is sent again once.
 */
async function getJson(url) {
  try {
    return await (await fetch(url)).json()
  } catch (err) {
    if (!['UND_ERR_SOCKET', 'ECONNRESET'].includes(err?.cause?.code)) throw err
    return await (await fetch(url)).json()
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Follows `next` from the end until a match; returns ms, requests and what was scanned. */
async function search(url, query) {
  const t0 = performance.now()
  let next = null
  let requests = 0
  let scanned = 0
  for (;;) {
    const u = `${url}/api/search?${query}&limit=1${next ? `&before=${next}` : ''}`
    const r = await getJson(u)
    requests++
    scanned += r.scannedBytes
    if (r.error) throw Object.assign(new Error(r.error.message), { code: r.error.code, path: u })
    if (r.matches.length > 0 || r.done) {
      const ms = performance.now() - t0
      return { ms, requests, scanned, found: r.matches.length, strategy: r.strategy }
    }
    next = r.next
  }
}

function grepMs(flags, pattern, file) {
  const t0 = performance.now()
  const r = spawnSync('grep', [...flags, '-c', pattern, file], { encoding: 'utf8' })
  const ms = performance.now() - t0
  if (r.status !== 0) throw Object.assign(new Error(`grep failed: ${r.stderr}`), { path: file })
  return ms
}

async function searchTable(file) {
  const size = statSync(file).size
  execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }) // into the page cache
  const cli = await startCli(['--port', '0', '--host', '127.0.0.1', file], { onStderr: () => {} })
  cli.url = cli.url.replace(/\/$/, '')
  const rows = [
    ['literal', `q=${encodeURIComponent(NEEDLE)}`, ['-F'], NEEDLE],
    [
      'regex, required literal',
      `regex=1&q=${encodeURIComponent('Out[A-Za-z]+Error: Java')}`,
      ['-E'],
      'Out[A-Za-z]+Error: Java',
    ],
    [
      'case-insensitive',
      `icase=1&q=${encodeURIComponent('outofmemoryerror: java')}`,
      ['-iF'],
      'outofmemoryerror: java',
    ],
  ]
  const gbs = (ms) => (size / 1e9 / (ms / 1000)).toFixed(2)
  console.log(
    `\nSearch from the end to a needle in line 10 of ${(size / 2 ** 20).toFixed(0)} MiB (page cache), median of ${RUNS}`
  )
  console.log(
    `grep: ${execFileSync('grep', ['--version'], { encoding: 'utf8' }).split('\n')[0]}, LANG=${process.env.LANG ?? ''} LC_ALL=${process.env.LC_ALL ?? ''}`
  )
  console.log(
    'query                     | taillight ms (GB/s, requests, plan)            | grep ms (GB/s)  | ratio'
  )
  try {
    for (const [name, query, flags, pattern] of rows) {
      const ours = []
      let last
      for (let i = 0; i < RUNS; i++) ours.push((last = await search(cli.url, query)).ms)
      const theirs = Array.from({ length: RUNS }, () => grepMs(flags, pattern, file))
      const a = median(ours)
      const g = median(theirs)
      if (last.found !== 1) console.log(`  (${name}: the needle was NOT found)`)
      console.log(
        `${name.padEnd(25)} | ${a.toFixed(0).padStart(6)} (${gbs(a)}, ${last.requests} req, ${last.strategy})`.padEnd(
          76
        ) +
          ` | ${g.toFixed(0).padStart(5)} (${gbs(g)}) | ${(a / g).toFixed(1)}x grep ${flags.join(' ')}`
      )
    }
  } finally {
    await stopProc(cli.proc)
  }
}

async function jumpTable(file) {
  const size = statSync(file).size
  const blocks = Math.ceil(size / (4 * 1024 * 1024))
  const cli = await startCli(['--port', '0', '--host', '127.0.0.1', file], { onStderr: () => {} })
  cli.url = cli.url.replace(/\/$/, '')
  try {
    const times = []
    let wrong = 0
    for (let i = 0; i < JUMPS; i++) {
      const b = Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * blocks)
      const target = new Date(T0 + b * 1000).toISOString()
      const t0 = performance.now()
      const r = await getJson(`${cli.url}/api/lines?at=${target}&limit=10`)
      times.push(performance.now() - t0)
      if (!r.lines?.[0]?.startsWith(target)) wrong++
    }
    times.sort((a, b) => a - b)
    const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
    console.log(
      `\nJump to a time in ${(size / 2 ** 30).toFixed(1)} GiB, ${JUMPS} targets (first run of the server: cold probes included)`
    )
    console.log(
      `GET /api/lines?at=: median ${p(0.5)} ms, p90 ${p(0.9)} ms, max ${p(1 - 1e-9)} ms; lines not at the target: ${wrong}`
    )
  } finally {
    await stopProc(cli.proc)
  }
}

mkdirSync(DIR, { recursive: true })
if (MB > 0) {
  const small = join(DIR, `needle-${MB}m.log`)
  makeLog(small, MB * 2 ** 20, true)
  await searchTable(small)
}
if (GB > 0) {
  const big = join(DIR, `time-${GB}g.log`)
  makeLog(big, GB * 2 ** 30, false)
  await jumpTable(big)
}
