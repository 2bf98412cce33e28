#!/usr/bin/env node
/**
 * Latency added by the Redis hop, and an edge's fan-out, over real HTTP/SSE:
 *   direct   client → watcher's own HTTP (FileSource → broadcaster), the baseline;
 *   via edge client → edge HTTP (watcher → XADD → Redis → XREAD → EdgeSource → broadcaster).
 * A writer appends `L<k>@<time>` lines at a fixed rate; a separate load process measures, for
 * every line and every probe client, the time from just before the write to its arrival, and
 * verifies that every client got every line in order (byte hashes, see server-latency.mjs).
 *
 *   node bench/redis-latency.mjs [--clients 1,10000] [--rate 100] [--seconds 10] [--json FILE]
 *
 * --json FILE: also write the rows to FILE as JSON, rewritten after every run.
 *
 * Needs dist/ (npm run build:ts) and redis-server (Debian package). Everything runs on
 * 127.0.0.1 with its own redis-server on a free port (no persistence), bounded in time.
 */
import { execFileSync, fork, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SELF = fileURLToPath(import.meta.url)
const now = () => performance.timeOrigin + performance.now()
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const counts = String(args.clients ?? '1,10000')
    .split(',')
    .map(Number)
  const rate = Number(args.rate ?? 100)
  const seconds = Number(args.seconds ?? 10)
  console.log('building dist/ ...')
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString()) - 200
  const redisVersion = execFileSync('redis-server', ['--version']).toString().trim()
  console.log(
    `node ${process.version}, ${redisVersion.split(' ').slice(0, 3).join(' ')}, ${rate} lines/s for ${seconds} s per run`
  )
  const rows = []
  for (const n of counts) {
    if (n > limit) {
      console.log(`skip ${n} clients: ulimit -n allows ${limit}`)
      continue
    }
    for (const via of ['direct', 'edge']) {
      rows.push(await run(via, n, rate, seconds))
      if (args.json) {
        const meta = { node: process.version, redis: redisVersion, rate, seconds }
        writeFileSync(args.json, JSON.stringify({ ...meta, rows }, null, 2))
      }
    }
  }
  console.log(
    '\npath     clients  verified  in-order    p50 ms   p99 ms   max ms  edge cpu %  edge rss MB'
  )
  for (const r of rows) {
    console.log(
      `${r.via.padEnd(8)} ${String(r.clients).padStart(7)}  ${String(r.verified).padStart(8)}  ${String(r.inOrder).padEnd(9)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)} ${r.cpu.toFixed(0).padStart(10)} ${r.rss.toFixed(0).padStart(12)}`
    )
  }
}

async function run(via, clients, rate, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-redis-bench-'))
  const file = join(dir, 'bench.log')
  const fd = openSync(file, 'a')
  writeSync(fd, 'start\n')
  const port = await freePort()
  const redis = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' }
  )
  await waitPort(port)
  const url = `redis://127.0.0.1:${port}`
  const watcher = await role('watcher', file, url)
  const edge = via === 'edge' ? await role('edge', '-', url) : null
  const server = edge ?? watcher
  const w = fork(SELF, ['--load'], { stdio: 'inherit' })
  const msg = (type) =>
    new Promise((resolve) => w.on('message', (m) => m.type === type && resolve(m)))
  w.send({ type: 'start', url: server.url, clients })
  await msg('ready')
  await sleep(500)
  const total = Math.round(rate * seconds)
  const cpu0 = cpuSeconds(server.proc.pid)
  const t0 = now()
  let rss = 0
  const sampler = setInterval(() => (rss = Math.max(rss, rssMb(server.proc.pid))), 250)
  for (let k = 0; k < total;) {
    const wait = t0 + (k * 1000) / rate - now()
    if (wait > 1) await sleep(wait - 0.5)
    else writeSync(fd, `L${k++}@${now().toFixed(3)} ${'x'.repeat(80)}\n`)
  }
  w.send({ type: 'expect', total })
  // Lines still missing after 30 s are reported as such (verified < clients), not waited for.
  const late = setTimeout(() => w.send({ type: 'report' }), 30_000)
  const res = await msg('done')
  clearTimeout(late)
  const cpu = ((cpuSeconds(server.proc.pid) - cpu0) / ((now() - t0) / 1000)) * 100
  clearInterval(sampler)
  w.kill()
  for (const p of [edge?.proc, watcher.proc, redis]) if (p) p.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
  const row = { via, clients, ...res, cpu, rss }
  console.log(JSON.stringify(row))
  return row
}

/** A watcher (file given) or an edge ('-') in its own process, serving HTTP on a free port. */
function role(kind, file, url) {
  const proc = spawn(process.execPath, [SELF, '--role', kind, file, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return new Promise((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`${kind} exited with ${c}`)))
    proc.stdout.once('data', (d) => resolve({ proc, url: d.toString().trim() }))
  })
}

async function roleMain(kind, file, url) {
  const { serveNode } = await import(join(ROOT, 'dist/server/node-serve.js'))
  const redis = await import(join(ROOT, 'dist/redis/roles.js'))
  let sources
  if (kind === 'watcher') {
    const { createFileSource } = await import(join(ROOT, 'dist/follow/file-source.js'))
    sources = [await createFileSource('bench.log', file)]
    redis.startWatcherPublishing(sources, url)
  } else sources = (await redis.createEdgeSources(url)).sources
  const node = await serveNode(
    { sources, version: 'bench', maxClients: 20_000, lines: 0 },
    { host: '127.0.0.1', port: 0 }
  )
  process.stdout.write(`${node.url}\n`)
}

// Load process: the last PROBES clients parse every line (latency, order); the others hash
// what they receive after init, so equal hashes prove every client got every line in order.
const PROBES = 100

function load() {
  const hist = new Uint32Array(100_000) // 0.1 ms buckets up to 10 s
  const states = []
  let delivered = 0
  let outOfOrder = 0
  let maxMs = 0
  let expected = 0
  let readyCount = 0
  let reported = false
  const marker = /L(\d+)@(\d+\.\d+)/g
  const parse = (st, text, t) => {
    const s = st.carry + text
    const cut = s.lastIndexOf('\n') + 1
    st.carry = s.slice(cut)
    marker.lastIndex = 0
    for (let m; (m = marker.exec(s.slice(0, cut)));) {
      if (Number(m[1]) !== st.next) outOfOrder++
      st.next = Number(m[1]) + 1
      delivered++
      const ms = t - Number(m[2])
      maxMs = Math.max(maxMs, ms)
      hist[Math.min(hist.length - 1, Math.max(0, Math.floor(ms * 10)))]++
    }
  }
  const onData = (st, buf) => {
    const t = now()
    if (!st.ready) {
      st.pre = st.pre ? Buffer.concat([st.pre, buf]) : buf
      const i = st.pre.indexOf('event: init')
      const end = i < 0 ? -1 : st.pre.indexOf('\n\n', i)
      if (end < 0) return
      buf = st.pre.subarray(end + 2)
      st.ready = true
      if (++readyCount === states.length) process.send({ type: 'ready' })
    }
    st.hash.update(buf)
    st.bytes += buf.length
    if (st.probe) parse(st, buf.toString('latin1'), t)
    if (expected) maybeDone()
  }
  const maybeDone = () => {
    const ps = states.filter((s) => s.probe)
    if (ps.every((p) => p.next >= expected) && states.every((s) => s.bytes >= ps[0].bytes)) report()
  }
  const report = () => {
    if (reported) return
    reported = true
    const ps = states.filter((s) => s.probe)
    const ref = ps[0].hash.copy().digest('hex')
    const verified = states.filter(
      (s) => s.bytes === ps[0].bytes && s.hash.copy().digest('hex') === ref
    ).length
    const pct = (p) => {
      let acc = 0
      for (let i = 0; i < hist.length; i++)
        if ((acc += hist[i]) >= delivered * p) return (i + 0.5) / 10
      return maxMs
    }
    process.send({
      type: 'done',
      verified,
      inOrder: outOfOrder === 0 && ps.every((p) => p.next === expected),
      p50: pct(0.5),
      p99: pct(0.99),
      max: maxMs,
    })
  }
  process.on('message', async (m) => {
    if (m.type === 'expect') {
      expected = m.total
      maybeDone()
    } else if (m.type === 'report') report()
    else if (m.type === 'start') {
      const u = new URL(m.url)
      for (let i = 0; i < m.clients; i += 250) {
        const batch = []
        for (let j = i; j < Math.min(m.clients, i + 250); j++) {
          const st = {
            probe: j >= m.clients - PROBES,
            next: 0,
            carry: '',
            ready: false,
            pre: null,
            bytes: 0,
            hash: createHash('sha1'),
          }
          states.push(st)
          batch.push(
            new Promise((resolve, reject) => {
              const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
                s.write(
                  `GET /events?lines=0 HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`
                )
                resolve()
              })
              s.on('data', (d) => onData(st, d))
              s.on('error', reject)
            })
          )
        }
        await Promise.all(batch)
      }
    }
  })
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

async function waitPort(port) {
  for (let i = 0; i < 250; i++) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) return
    await sleep(20)
  }
  throw new Error(`redis-server on ${port} did not start`)
}

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

const fmt = (v) => (v === undefined ? '     -  ' : v.toFixed(2).padStart(8))

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) continue
    const [k, v] = argv[i].slice(2).split('=')
    out[k] = v ?? (argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : true)
  }
  return out
}

if (process.argv[2] === '--load') load()
else if (process.argv[2] === '--role')
  await roleMain(process.argv[3], process.argv[4], process.argv[5])
else await main()
