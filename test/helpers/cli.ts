/**
 * @module Spawning the built CLI (bin/taillight.js → dist/): build once if dist is stale, run,
 * read the listening URL, and always kill what was started.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { within } from './sse.js'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin/taillight.js')

function newest(dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) t = Math.max(t, newest(p))
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs)
  }
  return t
}

/** Runs `tsc -p tsconfig.build.json` when dist/cli.js is older than any src/ file. */
export async function ensureBuilt(): Promise<void> {
  const out = join(ROOT, 'dist/cli.js')
  const lock = join(ROOT, '.build-lock')
  for (let i = 0; i < 600; i++) {
    if (existsSync(out) && statSync(out).mtimeMs >= newest(join(ROOT, 'src'))) return
    try {
      mkdirSync(lock)
    } catch {
      await new Promise((r) => setTimeout(r, 200)) // another test file is building
      continue
    }
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {
        cwd: ROOT,
        stdio: 'pipe',
        timeout: 180_000,
      })
    } catch (err) {
      // tsc still emits on type errors elsewhere in the tree; only a missing build is fatal.
      if (!existsSync(out)) throw err
    } finally {
      rmdirSync(lock)
    }
    return
  }
  throw new Error('timed out waiting for the build lock')
}

export interface Cli {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** The URL from the listening line. */
  url: Promise<string>
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

const running = new Set<ChildProcess>()

export type Runtime = 'node' | 'bun' | 'deno'

/** The command that runs the built CLI under `runtime` (bun and deno come from devDependencies). */
export function runtimeCommand(runtime: Runtime): string[] {
  if (runtime === 'node') return [process.execPath, BIN]
  const bin = join(ROOT, 'node_modules/.bin', runtime)
  if (!existsSync(bin)) throw new Error(`${runtime} is missing: run npm ci (it is a devDependency)`)
  return runtime === 'bun' ? [bin, BIN] : [bin, 'run', '-A', BIN]
}

export function runCli(
  args: string[],
  env: Record<string, string> = {},
  cwd = ROOT,
  runtime: Runtime = 'node'
): Cli {
  const [cmd, ...pre] = runtimeCommand(runtime) as [string, ...string[]]
  const child = spawn(cmd, [...pre, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  let out = ''
  let err = ''
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  )
  const url = within(
    10_000,
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = /listening on (https?:\/\/\S+)/.exec(out)
        if (m) resolve(m[1] as string)
      }
      child.stdout?.on('data', check)
      void exit.then(() => reject(new Error(`taillight exited before listening: ${err}`)))
    }),
    'listening line'
  )
  url.catch(() => {})
  return { child, stdout: () => out, stderr: () => err, url, exit }
}

/** SIGKILLs every CLI process still running (afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map((c) => {
      const gone = new Promise((r) => c.once('exit', r))
      c.kill('SIGKILL')
      return within(5000, gone, 'kill')
    })
  )
}
