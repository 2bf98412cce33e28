#!/usr/bin/env node
/**
 * Write-to-client latency of taillight's SSE fan-out (and frontail's and `tail -F | websocketd`'s,
 * side by side, with --frontail and --websocketd): for each client count, a writer appends lines at a fixed rate to a real file, the
 * server follows it, and a separate load process holding every client measures, for every line
 * and every client, the time from just before the write to its arrival. Also checks that every
 * client got every line in order, and samples the server's CPU and RSS from /proc.
 *
 *   node bench/server-latency.mjs [--clients 1,100,1000,10000] [--rate 100] [--seconds 10]
 *                                 [--runtimes node,bun,deno] [--frontail] [--frontail-max N]
 *                                 [--websocketd] [--websocketd-max 1000] [--json results.json]
 *
 * --websocketd: websocketd (Debian package `websocketd`) serving one WebSocket per client, each
 * running its own `tail -n 1 -F <file>` (the file holds one line, `start`, when clients connect:
 * that line is the client's sign that its tail is following; the measured lines are all new).
 * One process per client, so it is run only up to --websocketd-max clients (default 1000); its
 * CPU and memory are those of websocketd plus all its tail processes (memory as PSS, so shared
 * pages are not counted once per tail). As root it runs as `nobody` (setpriv) so its tails use up
 * nobody's inotify instances (fs.inotify.max_user_instances), not those of root's processes.
 * --frontail-max N: run frontail only up to N clients. --json FILE: also write the rows (and the
 * skipped runs) to FILE as JSON, rewritten after every run.
 *
 * Needs dist/ (npm run build:ts). Everything runs on 127.0.0.1 and is bounded in time; nothing
 * system-wide is changed (client counts above `ulimit -n` minus a margin are skipped).
 */
import { execFileSync, fork, spawn } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
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
  const frontailMax = Number(args['frontail-max'] ?? Infinity)
  const websocketd = args.websocketd ? findWebsocketd() : null
  const websocketdMax = Number(args['websocketd-max'] ?? 1000)
  const skipped = []
  const skip = (server, clients, reason) => {
    console.log(`skip ${server} at ${clients} clients: ${reason}`)
    skipped.push({ server, clients, reason })
  }
  // --runtimes node,bun,deno: the same server under each runtime (bun and deno from devDependencies)
  const runtimes = (args.runtimes ?? 'node').split(',').filter((r) => r && r !== 'none')
  const limit = Number(execFileSync('sh', ['-c', 'ulimit -n']).toString()) - 200
  console.log(
    `node ${process.version}, ${rate} lines/s for ${seconds} s per run, fd limit ${limit + 200}`
  )
  const rows = []
  const save = () => {
    if (!args.json) return
    const meta = { node: process.version, rate, seconds, fdLimit: limit + 200, websocketd }
    writeFileSync(args.json, JSON.stringify({ ...meta, rows, skipped }, null, 2))
  }
  // A run that fails (e.g. clients that never connect) is reported as such; the others go on.
  const attempt = async (...a) => {
    try {
      rows.push(await run(...a))
    } catch (err) {
      console.log(`${a[0]} at ${a[1]} clients failed: ${err.message}`)
      rows.push({ server: a[0], clients: a[1], error: err.message })
      process.exitCode = 1
    }
    save()
  }
  for (const n of counts) {
    if (n > limit) {
      // the server and the load process each hold one socket per client
      skip('all', n, `needs ${n} fds per process, ulimit -n allows ${limit}`)
      continue
    }
    for (const rt of runtimes) await attempt('taillight', n, rate, seconds, null, rt)
    if (frontail) {
      if (n <= frontailMax) await attempt('frontail', n, rate, seconds, frontail)
      else skip('frontail', n, `above --frontail-max ${frontailMax}`)
    }
    if (websocketd) {
      if (n <= websocketdMax) await attempt('websocketd', n, rate, seconds, websocketd)
      else
        skip(
          'websocketd',
          n,
          `one tail process per client; above --websocketd-max ${websocketdMax}`
        )
    }
  }
  save()
  console.log(
    '\nlatency: probe clients (the last to connect); verified: clients with every line, in order'
  )
  console.log(
    'server          clients  verified  in-order    p50 ms   p99 ms   max ms  cpu %  rss MB  load-cpu %'
  )
  for (const r of rows) {
    if (r.error) {
      console.log(`${r.server.padEnd(15)} ${String(r.clients).padStart(7)}  failed: ${r.error}`)
      continue
    }
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

function findWebsocketd() {
  let bin
  try {
    bin = execFileSync('sh', ['-c', 'command -v websocketd']).toString().trim()
  } catch {
    bin = ''
  }
  if (!bin) {
    console.log(
      'websocketd skipped: not installed (Debian package `websocketd`: apt-get install -y websocketd)'
    )
    return null
  }
  const version = execFileSync(bin, ['--version']).toString().trim()
  // As root, run it as nobody: a thousand tails would otherwise use up root's inotify instances.
  const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv')
  const inotify = Number(readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8'))
  return { bin, version, asNobody, inotifyMaxUserInstances: inotify }
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
  const ws = server === 'websocketd' ? frontail : null
  if (ws?.asNobody) {
    chmodSync(dir, 0o755)
    chmodSync(file, 0o644)
  }
  const proc = ws
    ? spawnWebsocketd(ws, port, file)
    : server === 'taillight'
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
  // websocketd logs its tails' stderr: keep the end of it for the error message of a failed start
  proc.stderr?.on('data', (d) => (out = `${out}${d}`.slice(-2000)))
  let w = null
  let sampler = null
  try {
    const url = await new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${server} did not start: ${out}`)), 15_000)
      const check = async () => {
        const m = /listening on (http:\/\/\S+)/.exec(out)
        if (m) return (clearTimeout(t), resolve(m[1]))
        if (server !== 'taillight') {
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
      if (server !== 'taillight') check()
    })
    w = fork(fileURLToPath(import.meta.url), ['--worker'], { stdio: 'inherit' })
    const msg = (type) =>
      new Promise((resolve) => w.on('message', (m) => m.type === type && resolve(m)))
    w.send({ type: 'start', url, clients, server, client: frontail?.client, file })
    const ready = await Promise.race([
      msg('ready'),
      timeout(120_000).then(() => ({ type: 'timeout' })),
    ])
    if (ready.type !== 'ready') throw new Error(`${server}: clients did not connect`)
    await sleep(500)
    // tails beyond fs.inotify.max_user_instances fall back to polling the file every second
    const inotify = ws ? treePids(proc.pid).slice(1).filter(usesInotify).length : undefined
    // websocketd's work is done by its tail processes too: CPU and memory of the whole tree.
    const cpuOf = ws ? cpuSecondsTree : cpuSeconds
    const memOf = ws ? pssMbTree : rssMb
    const total = Math.round(rate * seconds)
    const cpu0 = cpuOf(proc.pid)
    const t0 = now()
    w.send({ type: 'measure' })
    let rssMax = 0
    sampler = setInterval(() => (rssMax = Math.max(rssMax, memOf(proc.pid))), ws ? 1000 : 250)
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
    const res = await Promise.race([msg('done'), timeout(30_000).then(() => null)])
    if (!res) w.send({ type: 'report' })
    const result = res ?? (await msg('done'))
    const cpu = ((cpuOf(proc.pid) - cpu0) / ((now() - t0) / 1000)) * 100
    clearInterval(sampler)
    rssMax = Math.max(rssMax, memOf(proc.pid))
    const row = {
      server: server === 'taillight' ? `taillight/${runtime}` : server,
      clients,
      ...result,
      cpu,
      rss: rssMax,
      ...(ws ? { processes: treePids(proc.pid).length, inotifyTails: inotify } : {}),
    }
    console.log(JSON.stringify(row))
    return row
  } finally {
    clearInterval(sampler)
    const tails = ws ? treePids(proc.pid).slice(1) : []
    w?.kill()
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    }
    // tails that websocketd left behind (started by this run, so ended here, by their pid)
    for (const pid of tails) if (isTail(pid)) process.kill(pid, 'SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  }
}

function spawnWebsocketd(ws, port, file) {
  const cmd = [
    ws.bin,
    ...['--port', String(port), '--address', '127.0.0.1', '--loglevel', 'error'],
    ...['tail', '-n', '1', '-F', file],
  ]
  const [bin, ...rest] = ws.asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...cmd]
    : cmd
  return spawn(bin, rest, { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** pid and all its descendants (a Go program forks from any of its threads: read every task). */
function treePids(pid) {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim()
        if (kids) out.push(...kids.split(' ').map(Number))
      }
    } catch {
      // exited meanwhile
    }
  }
  return out
}

function usesInotify(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify'
      } catch {
        return false
      }
    })
  } catch {
    return false
  }
}

function isTail(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tail'
  } catch {
    return false
  }
}

function cpuSecondsTree(pid) {
  let sum = 0
  for (const p of treePids(pid)) {
    try {
      sum += cpuSeconds(p)
    } catch {
      // exited meanwhile
    }
  }
  return sum
}

/** Proportional set size of a process tree, MB: shared pages are split between the sharers. */
function pssMbTree(pid) {
  let kb = 0
  for (const p of treePids(pid)) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1])
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024
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

/** A sleep that does not keep the process alive (for the time limits raced against a run). */
function timeout(ms) {
  return new Promise((r) => setTimeout(r, ms).unref())
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
  // websocketd: one text message per line. The first is `start`, the line the file held when the
  // client connected: its tail is following. Every later message is hashed with its boundary.
  const onMessage = (st, payload, t) => {
    if (!st.ready) return ready(st)
    st.hash.update(payload)
    st.hash.update('\n')
    st.bytes += payload.length + 1
    if (st.probe) parse(st, `${payload.toString('latin1')}\n`, t)
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
      const websocketd = m.server === 'websocketd'
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
          batch.push(
            frontail
              ? frontailClient(m, st, parse, ready)
              : websocketd
                ? wsClient(u, st, onMessage)
                : sseClient(u, st, onData)
          )
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
    const body = dechunker((d) => onData(st, d))
    s.on('data', body)
    s.on('error', reject)
  })
}

/**
 * Strips the response head and, when the body is chunked, the chunk framing, so clients compare
 * the same bytes whatever chunks a server (or runtime: Deno merges events into bigger chunks for
 * a client that falls behind) happened to write.
 */
function dechunker(out) {
  let buf = Buffer.alloc(0)
  let head = true
  let chunked = false
  let left = 0 // bytes of the current chunk still to pass on (+2 for its CRLF while > 0)
  return (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d
    if (head) {
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      chunked = /\r\ntransfer-encoding:\s*chunked/i.test(buf.subarray(0, end).toString('latin1'))
      head = false
      buf = buf.subarray(end + 4)
    }
    if (!chunked) {
      if (buf.length) out(buf)
      buf = Buffer.alloc(0)
      return
    }
    const parts = []
    for (;;) {
      if (left > 2) {
        const take = Math.min(left - 2, buf.length)
        if (take === 0) break
        parts.push(buf.subarray(0, take))
        buf = buf.subarray(take)
        left -= take
        continue
      }
      if (left > 0) {
        if (buf.length < left) break
        buf = buf.subarray(left) // the CRLF after a chunk
        left = 0
        continue
      }
      const eol = buf.indexOf('\r\n')
      if (eol < 0) break
      const size = parseInt(buf.subarray(0, eol).toString('latin1'), 16)
      buf = buf.subarray(eol + 2)
      if (!size) break // last chunk
      left = size + 2
    }
    if (parts.length) out(parts.length === 1 ? parts[0] : Buffer.concat(parts))
  }
}

/**
 * A minimal RFC 6455 client, enough for websocketd: the opening handshake, then unmasked text
 * frames from the server (7-, 16- or 64-bit lengths). It sends nothing after the handshake, so it
 * never has to mask a frame.
 */
function wsClient(u, st, onMessage) {
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
      s.write(
        `GET / HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n'
      )
      resolve()
    })
    let buf = Buffer.alloc(0)
    let open = false
    s.on('data', (d) => {
      const t = now()
      buf = buf.length ? Buffer.concat([buf, d]) : d
      if (!open) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!buf.subarray(0, 13).toString('latin1').startsWith('HTTP/1.1 101')) {
          console.error(`websocketd refused: ${buf.subarray(0, end).toString('latin1')}`)
          return s.destroy()
        }
        open = true
        buf = buf.subarray(end + 4)
      }
      let off = 0
      while (buf.length - off >= 2) {
        const opcode = buf[off] & 0x0f
        let len = buf[off + 1] & 0x7f
        let head = 2
        if (len === 126) {
          if (buf.length - off < 4) break
          len = buf.readUInt16BE(off + 2)
          head = 4
        } else if (len === 127) {
          if (buf.length - off < 10) break
          len = Number(buf.readBigUInt64BE(off + 2))
          head = 10
        }
        if (buf.length - off < head + len) break
        const payload = buf.subarray(off + head, off + head + len)
        off += head + len
        if (opcode === 1 || opcode === 0) onMessage(st, payload, t)
        else if (opcode === 8) s.end() // close
      }
      buf = buf.subarray(off)
    })
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
