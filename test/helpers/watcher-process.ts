/**
 * @module A watcher in a process of its own, for tests that kill -9, SIGSTOP or SIGCONT it.
 *
 * The process runs an esbuild bundle of the sources (no dist/ build needed) that follows one
 * file, publishes it to Redis with the given lease, and writes its lease state and counters
 * as one JSON line on stdout whenever they change, so a test can tell who leads and since
 * when without a Redis client of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

const ENTRY = `
import { createFileSource } from './src/follow/file-source.ts'
import { startWatcherPublishing } from './src/redis/roles.ts'
const [path, url, ttl] = process.argv.slice(2)
const source = await createFileSource('app.log', path, { poll: true, pollMaxMs: 20 })
const w = startWatcherPublishing([source], url, { heartbeatMs: 200, lease: { ttlMs: Number(ttl) } })
let last = ''
setInterval(() => {
  const f = w.health().files[0]
  const s = JSON.stringify({ leader: f.leader, epoch: f.epoch, published: f.published, fenced: f.fenced })
  if (s !== last) process.stdout.write(s + '\\n')
  last = s
}, 10)
`

export interface WatcherState {
  leader: boolean
  epoch: number
  published: number
  fenced: number
  /** Test clock when the line arrived. */
  at: number
}

/** Bundles the watcher entry into `dir`; returns the script path. */
export async function bundleWatcher(dir: string): Promise<string> {
  const outfile = join(dir, 'watcher.mjs')
  await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __cr } from 'node:module';const require = __cr(import.meta.url);",
    },
  })
  return outfile
}

export interface WatcherProcess {
  proc: ChildProcess
  states: WatcherState[]
  readonly state: WatcherState | undefined
}

/** Starts a watcher; resolves at its first state line (it is following by then). */
export function startWatcher(
  script: string,
  path: string,
  url: string,
  ttlMs = 1000
): Promise<WatcherProcess> {
  const proc = spawn(process.execPath, [script, path, url, String(ttlMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const w: WatcherProcess = {
    proc,
    states: [],
    get state() {
      return this.states[this.states.length - 1]
    },
  }
  return new Promise((resolve, reject) => {
    proc.once('error', reject)
    proc.once('exit', (code) => reject(new Error(`watcher exited with ${code}`)))
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      w.states.push({ ...(JSON.parse(line) as Omit<WatcherState, 'at'>), at: Date.now() })
      resolve(w)
    })
  })
}

export function signal(p: ChildProcess, sig: NodeJS.Signals): Promise<void> {
  if (sig !== 'SIGKILL') return Promise.resolve(void p.kill(sig))
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve()
  return new Promise<void>((r) => {
    p.once('exit', () => r())
    p.kill(sig)
  })
}
