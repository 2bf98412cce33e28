/**
 * @module The primary of `--workers N`: it starts the workers, replaces one that dies (with a
 * backoff and a line on stderr), forwards signals, relays /health and /metrics gathers, and
 * prints the listening line once every worker listens.
 *
 * The primary serves nothing itself. A client of a dead worker reconnects to another one and
 * resumes by cursor: the file is the buffer, so nothing is lost or doubled.
 */
import cluster, { type Worker } from 'node:cluster'
import { createServer, type AddressInfo } from 'node:net'
import { startDemo } from './node-demo.js'
import { GatherRelay, type GatherRequest } from './node-gather.js'
import { WORKER_ENV } from './node-worker.js'
import type { WorkerReport } from './worker-stats.js'

export interface PrimaryOptions {
  workers: number
  host: string
  port: number
  argv: string[]
  /** Node flags for the workers (node-cluster.ts). */
  execArgv: string[]
  demo: boolean
  say: (line: string) => void
}

/** How long a gather waits for the other workers (a stuck one is reported, not waited for). */
const GATHER_MS = 300
/** A worker that lived this long before dying is restarted at once, not after a backoff. */
const STABLE_MS = 10_000

interface Slot {
  id: number
  worker?: Worker
  pid: number
  startedAt: number
  ready: boolean
  backoff: number
}

/** Runs the workers; resolves with 0 once all listen, or the exit code of one that failed. */
export async function runPrimary(opts: PrimaryOptions): Promise<number> {
  // With port 0 each new listen could get another port (once every worker is gone, say).
  const port = opts.port === 0 ? await freePort(opts.host) : opts.port
  const demo = opts.demo ? startDemo() : undefined
  cluster.setupPrimary({ args: opts.argv, execArgv: opts.execArgv })
  const slots: Slot[] = []
  let stopping = false
  let started = false
  let announced = ''
  let resolveStart!: (code: number) => void
  const start = new Promise<number>((r) => (resolveStart = r))

  const relay = new GatherRelay(slots, GATHER_MS)

  const spawn = (slot: Slot) => {
    const env = {
      [WORKER_ENV.id]: String(slot.id),
      [WORKER_ENV.count]: String(opts.workers),
      [WORKER_ENV.port]: String(port),
    }
    if (demo) env[WORKER_ENV.demo] = demo.path
    const w = cluster.fork(env)
    slot.worker = w
    slot.pid = w.process.pid ?? 0
    slot.startedAt = Date.now()
    slot.ready = false
    w.on('message', (m: { tl?: string; text?: string; req?: number; report?: WorkerReport }) => {
      if (m.tl === 'ready') ready(slot, m.text ?? '')
      else if (m.tl === 'gather') relay.ask(slot, m as unknown as GatherRequest)
      else if (m.tl === 'reported' && m.report) relay.answered(m.req ?? -1, m.report)
    })
    w.on('exit', (code, signal) => exited(slot, w, code, signal))
  }

  const ready = (slot: Slot, text: string) => {
    slot.ready = true
    if (started) return opts.say(`worker ${slot.id} is back (pid ${slot.pid})`)
    announced ||= text
    if (!slots.every((s) => s.ready)) return
    started = true
    process.stdout.write(
      `${announced}serving with ${opts.workers} workers (pids ${slots.map((s) => s.pid).join(', ')})\n`
    )
    resolveStart(0)
  }

  const exited = (slot: Slot, w: Worker, code: number | null, signal: string | null) => {
    if (slot.worker !== w) return
    slot.worker = undefined
    slot.ready = false
    relay.gone(slot)
    if (stopping) {
      if (slots.every((s) => !s.worker)) finish()
      return
    }
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`
    if (!started) {
      // Failing at start (a taken port, a bad file) fails the command, as one process does.
      opts.say(`worker ${slot.id} (pid ${slot.pid}) ${how} before listening`)
      void stop().then(() => resolveStart(code || 1))
      return
    }
    slot.backoff = Date.now() - slot.startedAt > STABLE_MS ? 100 : Math.min(slot.backoff * 2, 5000)
    opts.say(
      `worker ${slot.id} (pid ${slot.pid}) ${how}; starting a replacement in ${slot.backoff} ms`
    )
    // Not unref'd: with every worker dead, this timer is what keeps the primary alive.
    setTimeout(() => stopping || spawn(slot), slot.backoff)
  }

  let finish = () => {}
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true
      finish = () => {
        clearTimeout(hard)
        demo?.stop()
        resolve()
      }
      // Workers end their streams within 900 ms; one that has not gone by then is killed.
      const hard = setTimeout(() => {
        for (const s of slots) s.worker?.process.kill('SIGKILL')
        finish()
      }, 950)
      for (const s of slots) s.worker?.process.kill('SIGTERM')
      if (slots.every((s) => !s.worker)) finish()
    })

  const shutdown = () => {
    if (stopping) return process.exit(0)
    void stop().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // Each worker reloads its own config (cli.ts); the primary only passes the signal on.
  process.on('SIGHUP', () => {
    for (const s of slots) s.worker?.process.kill('SIGHUP')
  })

  for (let id = 1; id <= opts.workers; id++) {
    const slot: Slot = { id, pid: 0, startedAt: 0, ready: false, backoff: 50 }
    slots.push(slot)
    spawn(slot)
  }
  return start
}

/** A port the system has just given out for `host` (released again at once). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, host, () => {
      const { port } = s.address() as AddressInfo
      s.close(() => resolve(port))
    })
  })
}
