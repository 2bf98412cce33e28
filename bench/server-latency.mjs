#!/usr/bin/env node
/**
 * Write-to-client latency of taillight's SSE fan-out (and frontail's, side by side, with
 * --frontail): for each client count, a writer appends lines at a fixed rate to a real file, the
 * server follows it, and a separate load process holding every client measures, for every line
 * and every client, the time from just before the write to its arrival. Also checks that every
 * client got every line in order, and samples the server's CPU and RSS from /proc.
 *
 *   node bench/server-latency.mjs [--clients 1,100,1000,10000] [--rate 100] [--seconds 10]
 *                                 [--frontail]
 *
 * Needs dist/ (npm run build:ts). Everything runs on 127.0.0.1 and is bounded in time; nothing
 * system-wide is changed (client counts above `ulimit -n` minus a margin are skipped).
 */
import { execFileSync, fork, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { createHash } from 'node:crypto'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const now = () => performance.timeOrigin + performance.now()

// ---------------------------------------------------------------------------------------------
// Orchestrator

async function main() {
  const args = parseArgs(process.argv.slice(2))
  const counts = (args.clients ?? '1,100,1000,10000').split(',').map(Number)
  const rate = Number(args.rate ?? 100)
  const seconds = Number(args.seconds ?? 10)
  if (!existsSync(join(ROOT, 'dist/cli.js'))) {
    console.log('building dist/ ...')
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
  }
  const frontail = args.frontail ? installFrontail() : null
  // --runtimes node,bun,deno: the same server under each runtime (bun and deno from devDependencies)
  const runtimes = (args.runtimes ?? 'node').split(',')
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString()) - 200
  console.log(
    `node ${process.version}, ${rate} lines/s for ${seconds} s per run, fd limit ${limit + 200}`
  )
  const rows = []
  for (const n of counts) {
    if (n > limit) {
      // the server and the load process each hold one socket per client
      console.log(`skip ${n} clients: needs ${n} fds per process, ulimit -n allows ${limit}`)
      continue
    }
    for (const rt of runtimes) rows.push(await run('taillight', n, rate, seconds, null, rt))
    if (frontail) rows.push(await run('frontail', n, rate, seconds, frontail))
  }
  console.log(
    '\nlatency: probe clients (the last to connect); verified: clients with every line, in order'
  )
  console.log(
    'server          clients  verified  in-order    p50 ms   p99 ms   max ms  cpu %  rss MB  load-cpu %'
  )
  for (const r of rows) {
    console.log(
      `${r.server.padEnd(15)} ${String(r.clients).padStart(7)}  ${String(r.verified).padStart(8)}  ${String(r.inOrder).padEnd(9)} ${fmt(r.p50)} ${fmt(r.p99)} ${fmt(r.max)} ${r.cpu.toFixed(0).padStart(6)} ${r.rss.toFixed(0).padStart(7)} ${r.loadCpu.toFixed(0).padStart(10)}`
    )
  }
}

const fmt = (v) => (v === undefined ? '     -  ' : v.toFixed(2).padStart(8))

function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) continue
    const [k, v] = a.slice(2).split('=')
    if (v !== undefined) out[k] = v
    else if (argv[i + 1] && !argv[i + 1].startsWith('--')) out[k] = argv[++i]
    else out[k] = true
  }
  return out
}

function installFrontail() {
  const dir = join(ROOT, '.bench-tmp', 'frontail')
  const main = join(dir, 'node_modules/frontail/index.js')
  if (!existsSync(main)) {
    mkdirSync(dir, { recursive: true })
    try {
      console.log(
        'installing frontail and socket.io-client@2 into .bench-tmp/ (benchmark only) ...'
      )
      execFileSync(
        'npm',
        [
          'install',
          '--prefix',
          dir,
          '--no-save',
          '--no-audit',
          '--no-fund',
          'frontail@4',
          'socket.io-client@2',
        ],
        { stdio: 'inherit', timeout: 300_000 }
      )
    } catch (err) {
      console.log(`frontail skipped: npm install failed (${err.message.split('\n')[0]})`)
      return null
    }
  }
  return { main, client: join(dir, 'node_modules/socket.io-client') }
}

function runtimeCommand(rt) {
  if (rt === 'node') return [process.execPath]
  const bin = join(ROOT, 'node_modules/.bin', rt)
  return rt === 'deno' ? [bin, 'run', '-A'] : [bin]
}

async function run(server, clients, rate, seconds, frontail, runtime = 'node') {
  const dir = mkdtempSync(join(tmpdir(), 'tl-bench-'))
  const file = join(dir, 'bench.log')
  const fd = openSync(file, 'a')
  writeSync(fd, 'start\n')
  const port = await freePort()
  const proc =
    server === 'taillight'
      ? spawn(
          runtimeCommand(runtime)[0],
          [
            ...runtimeCommand(runtime).slice(1),
            join(ROOT, 'bin/taillight.js'),
            '--port',
            '0',
            '--lines',
            '0',
            '--max-clients',
            '20000',
            file,
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] }
        )
      : spawn(
          process.execPath,
          [frontail.main, '-p', String(port), '-h', '127.0.0.1', '-n', '0', file],
          { stdio: ['ignore', 'pipe', 'inherit'] }
        )
  let out = ''
  proc.stdout.on('data', (d) => (out += d))
  const url = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${server} did not start: ${out}`)), 15_000)
    const check = async () => {
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m) return (clearTimeout(t), resolve(m[1]))
      if (server === 'frontail') {
        try {
          await fetch(`http://127.0.0.1:${port}/`)
          clearTimeout(t)
          resolve(`http://127.0.0.1:${port}/`)
        } catch {
          setTimeout(check, 100)
        }
      }
    }
    proc.stdout.on('data', check)
    if (server === 'frontail') check()
  })
  const w = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: 'inherit' })
  const msg = (type) =>
    new Promise((resolve) => w.on('message', (m) => m.type === type && resolve(m)))
  w.send({ type: 'start', url, clients, server, client: frontail?.client, file })
  const ready = await Promise.race([msg('ready'), sleep(120_000).then(() => ({ type: 'timeout' }))])
  if (ready.type !== 'ready') throw new Error(`${server}: clients did not connect`)
  await sleep(500)
  const total = Math.round(rate * seconds)
  const cpu0 = cpuSeconds(proc.pid)
  const t0 = now()
  w.send({ type: 'measure' })
  let rssMax = 0
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMb(proc.pid))), 250)
  // Line k is due at t0 + k/rate; each write is one line, as a logger does.
  for (let k = 0; k < total;) {
    const due = t0 + (k * 1000) / rate
    const wait = due - now()
    if (wait > 1) await sleep(wait - 0.5)
    else {
      writeSync(fd, `L${k}@${now().toFixed(3)} ${'x'.repeat(80)}\n`)
      k++
    }
  }
  w.send({ type: 'expect', total })
  const res = await Promise.race([msg('done'), sleep(30_000).then(() => null)])
  if (!res) w.send({ type: 'report' })
  const result = res ?? (await msg('done'))
  const cpu = ((cpuSeconds(proc.pid) - cpu0) / ((now() - t0) / 1000)) * 100
  clearInterval(sampler)
  rssMax = Math.max(rssMax, rssMb(proc.pid))
  w.kill()
  proc.kill('SIGTERM')
  await new Promise((r) => proc.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
  const row = {
    server: server === 'taillight' ? `taillight/${runtime}` : server,
    clients,
    ...result,
    cpu,
    rss: rssMax,
  }
  console.log(JSON.stringify(row))
  return row
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100 // utime + stime, in clock ticks (100 Hz)
}

function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : 0
  } catch {
    return 0
  }
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms))
}

// ---------------------------------------------------------------------------------------------
// Load process. The PROBES clients that connect last (the server writes to them last in each
// flush) parse every line: latency and order. Every other client hashes the bytes it receives
// after its init event; all clients get the same payloads, so equal hashes and lengths prove
// every client got every line in order, at a fraction of the parsing cost on a shared box.

const PROBES = 100

function worker() {
  const hist = new Uint32Array(100_000) // 0.1 ms buckets up to 10 s
  let maxMs = 0
  let delivered = 0
  let outOfOrder = 0
  let expected = 0
  let readyCount = 0
  let reported = false
  const states = []
  const marker = /L(\d+)@(\d+\.\d+)/g
  const parse = (st, text, t) => {
    const s = st.carry + text
    const cut = s.lastIndexOf('\n') + 1
    st.carry = s.slice(cut)
    const body = s.slice(0, cut)
    marker.lastIndex = 0
    for (let m; (m = marker.exec(body));) {
      const seq = Number(m[1])
      if (seq !== st.next) outOfOrder++
      st.next = seq + 1
      delivered++
      const ms = t - Number(m[2])
      if (ms > maxMs) maxMs = ms
      hist[Math.min(hist.length - 1, Math.max(0, Math.floor(ms * 10)))]++
    }
  }
  const ready = (st) => {
    st.ready = true
    if (++readyCount === states.length) process.send({ type: 'ready' })
  }
  const onData = (st, buf) => {
    const t = now()
    if (!st.ready) {
      st.pre = st.pre ? Buffer.concat([st.pre, buf]) : buf
      const i = st.pre.indexOf('event: init')
      const end = i < 0 ? -1 : st.pre.indexOf('\n\n', i)
      if (end < 0) return
      buf = st.pre.subarray(end + 2)
      st.pre = null
      ready(st)
    }
    st.hash.update(buf)
    st.bytes += buf.length
    if (st.probe) parse(st, buf.toString('latin1'), t)
    maybeDone()
  }
  const probes = () => states.filter((s) => s.probe)
  const maybeDone = () => {
    if (!expected || reported) return
    const ps = probes()
    if (!ps.every((p) => p.next >= expected)) return
    const ref = ps[0].bytes
    if (ps[0].frontail || states.every((s) => s.bytes >= ref)) report()
  }
  const report = () => {
    if (reported) return
    reported = true
    const ps = probes()
    let verified = ps.filter((p) => p.next === expected).length
    if (!ps[0].frontail) {
      const ref = ps[0].hash.digest('hex')
      const refBytes = ps[0].bytes
      verified = states.filter(
        (s) => s.bytes === refBytes && (s === ps[0] || s.hash.digest('hex') === ref)
      ).length
    }
    const pct = (p) => {
      let acc = 0
      for (let i = 0; i < hist.length; i++)
        if ((acc += hist[i]) >= delivered * p) return (i + 0.5) / 10
      return maxMs
    }
    const cpu = process.cpuUsage(cpu0)
    process.send({
      type: 'done',
      loadCpu: ((cpu.user + cpu.system) / 1e3 / (now() - t0)) * 100,
      probes: ps.length,
      verified,
      inOrder: outOfOrder === 0 && ps.every((p) => p.next === expected),
      p50: delivered ? pct(0.5) : undefined,
      p99: delivered ? pct(0.99) : undefined,
      max: delivered ? maxMs : undefined,
    })
  }
  let cpu0 = process.cpuUsage()
  let t0 = now()
  process.on('message', async (m) => {
    if (m.type === 'measure') {
      cpu0 = process.cpuUsage()
      t0 = now()
    } else if (m.type === 'expect') {
      expected = m.total
      maybeDone()
    } else if (m.type === 'report') report()
    else if (m.type === 'start') {
      const u = new URL(m.url)
      const frontail = m.server === 'frontail'
      for (let i = 0; i < m.clients; i += 250) {
        const batch = []
        for (let j = i; j < Math.min(m.clients, i + 250); j++) {
          const probe = frontail || j >= m.clients - PROBES
          const st = {
            probe,
            frontail,
            next: 0,
            carry: '',
            ready: false,
            pre: null,
            bytes: 0,
            hash: createHash('sha1'),
          }
          states.push(st)
          batch.push(frontail ? frontailClient(m, st, parse, ready) : sseClient(u, st, onData))
        }
        await Promise.all(batch)
      }
    }
  })
}

function sseClient(u, st, onData) {
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
      s.write(
        `GET /events?lines=0 HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n\r\n`
      )
      resolve()
    })
    s.on('data', (d) => onData(st, d))
    s.on('error', reject)
  })
}

async function frontailClient(m, st, parse, ready) {
  const { default: io } = await import(join(m.client, 'lib/index.js'))
  return new Promise((resolve) => {
    // frontail puts its lines in a namespace named after the md5 of its file arguments.
    const ns = createHash('md5').update(m.file).digest('hex')
    const sock = io(`${m.url}${ns}`, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
    })
    sock.on('connect', () => {
      ready(st)
      resolve()
    })
    sock.on('line', (line) => parse(st, `${line}\n`, now()))
  })
}

if (process.argv[2] === '--worker') worker()
else await main()
