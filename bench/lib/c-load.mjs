/**
 * @module `--load c`: the fan-out benchmark's clients held by bench/load/sse-load.c (compiled
 * here with the system C compiler, once per source version) instead of the Node load process.
 * It answers the same messages as that process (sse-load.mjs) so server-latency.mjs drives
 * either one; clients are split over several C processes when one process's open-files limit
 * would not hold them all.
 */
import { execFileSync, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nextMessage } from './child.mjs'
import { Histogram } from './percentiles.mjs'

/** Clients per C process: well inside a 20,000 open-files limit, and a core's worth of parsing. */
const PER_PROCESS = 10_000

/** bench/load/NAME.c compiled into the temp directory (again only when its source changed). */
export function buildC(name) {
  const source = fileURLToPath(new URL(`../load/${name}.c`, import.meta.url))
  const hash = createHash('sha1').update(readFileSync(source)).digest('hex').slice(0, 12)
  const bin = join(tmpdir(), `taillight-${name}-${hash}`)
  if (existsSync(bin)) return bin
  const cc = process.env.CC || 'cc'
  try {
    execFileSync(cc, ['-O2', '-Wall', '-o', bin, source], { stdio: 'pipe' })
  } catch (err) {
    const why = err.code === 'ENOENT' ? `${cc} not found (Debian package gcc)` : String(err.stderr)
    throw new Error(`bench/load/${name}.c needs a C compiler: ${why}`)
  }
  return bin
}

/**
 * Starts nothing until `start`; then the same interface as forkChild() of sse-load.mjs.
 * `readEveryUs`: each C process sleeps this long between passes over its ready sockets (see
 * sse-load.c: a wake-up per send is a cost of loopback, not of remote clients; 0 reads at once).
 */
export function cLoad(readEveryUs = 0) {
  const bin = buildC('sse-load')
  const events = new EventEmitter()
  const procs = []
  const dones = []
  let ready = 0
  const emit = (m) => events.emit('message', m)
  const start = (m) => {
    const u = new URL(m.url)
    const n = Math.ceil(m.clients / PER_PROCESS)
    for (let i = 0; i < n; i++) {
      const count = Math.floor(m.clients / n) + (i < m.clients % n ? 1 : 0)
      const p = spawn(
        bin,
        [u.hostname, u.port, '/events?lines=0', String(count), String(readEveryUs)],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        }
      )
      let out = ''
      p.stdout.on('data', (d) => {
        out += d
        for (let nl; (nl = out.indexOf('\n')) >= 0; out = out.slice(nl + 1)) line(out.slice(0, nl))
      })
      procs.push(p)
    }
  }
  const line = (text) => {
    if (text === 'ready') {
      if (++ready === procs.length) emit({ type: 'ready' })
    } else if (text.startsWith('done ')) {
      dones.push(JSON.parse(text.slice(5)))
      if (dones.length === procs.length) emit(merge(dones))
    } else if (text.startsWith('error ')) {
      console.log(`load: ${text}`)
    }
  }
  const send = (m) => {
    if (m.type === 'start') return start(m)
    const cmd = m.type === 'expect' ? `expect ${m.total}` : m.type
    for (const p of procs) if (p.exitCode === null) p.stdin.write(`${cmd}\n`)
  }
  const next = (type, ms) => nextMessage(events, type, ms)
  const kill = () => {
    for (const p of procs) if (p.exitCode === null) p.kill()
  }
  return { next, send, kill }
}

/** One `done` message from every C process's counts and histogram. */
function merge(dones) {
  const hist = new Histogram(10, 10_000)
  let max = 0
  for (const d of dones) {
    for (const [i, c] of d.hist) hist.counts[i] += c
    hist.n += d.delivered
    max = Math.max(max, d.max)
  }
  hist.max = max
  const sum = (k) => dones.reduce((s, d) => s + d[k], 0)
  const wall = Math.max(...dones.map((d) => d.wallMs))
  return {
    type: 'done',
    verified: sum('verified'),
    inOrder: sum('outOfOrder') === 0 && sum('verified') === sum('clients'),
    p50: hist.pct(0.5),
    p99: hist.pct(0.99),
    max: hist.n ? max : undefined,
    loadCpu: (sum('cpuMs') / wall) * 100,
    probes: sum('clients'),
  }
}
