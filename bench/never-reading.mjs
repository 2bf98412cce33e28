#!/usr/bin/env node
/**
 * @module Never-reading clients: how much server memory and /health latency they cost.
 *
 * Issue 10 reported 60 sockets that request `/api/lines?limit=10000` and never read taking the
 * server from 110 MiB to 1.4 GiB of RSS while /health took seconds. This script starts the
 * built CLI on a file of long lines, opens N raw sockets per heavy route that send one request
 * and never read, and prints the server's RSS (from /proc, so only the server is counted) and
 * /health latency while they hang. Self-contained on purpose: no bench/ helpers.
 *
 *   node bench/never-reading.mjs [--clients 60] [--lines 3000] [--line-bytes 5000]
 *                                [--hold-ms 4000] [--bin bin/taillight.js]
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const args = new Map()
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i], process.argv[i + 1])
const num = (name, fallback) => Number(args.get(name) ?? fallback)
const CLIENTS = num('--clients', 60)
const LINES = num('--lines', 3000)
const LINE_BYTES = num('--line-bytes', 5000)
const HOLD_MS = num('--hold-ms', 4000)
const BIN = args.get('--bin') ?? fileURLToPath(new URL('../bin/taillight.js', import.meta.url))

const ROUTES = [
  ['lines', '/api/lines?limit=10000'],
  ['search', '/api/search?q=match&limit=1000'],
  ['download', '/download'],
  ['download gzip', '/download', 'Accept-Encoding: gzip\r\n'],
]

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** One /health request on a fresh connection; its latency in ms (Infinity after 10 s). */
function health(base) {
  const t0 = performance.now()
  return new Promise((resolve) => {
    const req = request(new URL('/health', base), { agent: false, timeout: 10_000 }, (res) => {
      res.resume()
      res.on('end', () => resolve(performance.now() - t0))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(Infinity))
    req.end()
  })
}

/** A socket that sends one request and never reads a byte of the answer. */
function neverReader(url, path, extra = '') {
  return new Promise((resolve) => {
    const s = connect({ host: url.hostname, port: Number(url.port) }, () => {
      s.pause()
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n${extra}\r\n`)
      resolve(s)
    })
    s.on('error', () => resolve(s))
  })
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'never-reading-'))
  const file = join(dir, 'big.log')
  const pad = 'x'.repeat(Math.max(0, LINE_BYTES - 40))
  const body = []
  for (let i = 0; i < LINES; i++) body.push(`${String(i).padStart(8, '0')} match ${pad}\n`)
  writeFileSync(file, body.join(''))
  console.log(
    `file: ${LINES} lines of ${LINE_BYTES} B (${((LINES * LINE_BYTES) / 2 ** 20).toFixed(1)} MiB); ` +
      `${CLIENTS} never-reading clients per route, a fresh server per route`
  )
  console.log(
    'route          | idle RSS MiB | peak RSS MiB | end RSS MiB | /health idle ms | p50 ms | max ms'
  )
  console.log(
    '---------------|--------------|--------------|-------------|-----------------|--------|-------'
  )
  try {
    for (const [name, path, extra] of ROUTES) {
      const r = await measure(file, path, extra)
      console.log(
        `${name.padEnd(14)} | ${r.idle.toFixed(0).padStart(12)} | ${r.peak.toFixed(0).padStart(12)} | ` +
          `${r.last.toFixed(0).padStart(11)} | ` +
          `${r.idleHealth.toFixed(1).padStart(15)} | ${r.p50.toFixed(1).padStart(6)} | ${r.max.toFixed(1).padStart(6)}`
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** A fresh server (so memory one route kept is not charged to the next), N clients, samples. */
async function measure(file, path, extra) {
  const child = spawn(process.execPath, [BIN, '--port', '0', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  try {
    const base = await new Promise((resolve, reject) => {
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d) => {
        out += d
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) resolve(m[1])
      })
      child.once('exit', () => reject(new Error('taillight exited before listening')))
      setTimeout(() => reject(new Error('no listening line within 10 s')), 10_000)
    })
    const url = new URL(base)
    await sleep(300)
    for (let i = 0; i < 5; i++) await health(base)
    const idle = rssMiB(child.pid)
    const idleHealth = await health(base)
    const sockets = await Promise.all(
      Array.from({ length: CLIENTS }, () => neverReader(url, path, extra))
    )
    let peak = idle
    const lat = []
    const end = Date.now() + HOLD_MS
    while (Date.now() < end) {
      lat.push(await health(base))
      peak = Math.max(peak, rssMiB(child.pid))
      await sleep(100)
    }
    const last = rssMiB(child.pid)
    for (const s of sockets) s.destroy()
    lat.sort((a, b) => a - b)
    return {
      idle,
      idleHealth,
      peak,
      last,
      p50: lat[Math.floor(lat.length / 2)],
      max: lat[lat.length - 1],
    }
  } finally {
    child.kill('SIGKILL')
  }
}

main().catch((err) => {
  console.error(err)
  process.exitCode = 1
})
