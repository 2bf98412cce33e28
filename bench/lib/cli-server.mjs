/**
 * @module Starting and stopping the real CLI (`bin/taillight.js`), as a user runs it, for the
 * benchmarks that measure the whole program: its URL is read from what it prints.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
export const CLI = join(ROOT, 'bin/taillight.js')

/** The command that runs a script under node, bun or deno (those two from devDependencies). */
export function runtimeCommand(rt = 'node') {
  if (rt === 'node') return [process.execPath]
  const bin = join(ROOT, 'node_modules/.bin', rt)
  return rt === 'deno' ? [bin, 'run', '-A'] : [bin]
}

/**
 * Runs `taillight ...args` and resolves { proc, url, port, startedAt } once it prints
 * `listening on URL`. Rejects (and kills it) when it exits first or says nothing for
 * `timeoutMs`. `onStderr(text)` gets its stderr (inherited when not given).
 */
export function startCli(args, { runtime = 'node', cli = CLI, timeoutMs = 15_000, onStderr } = {}) {
  const [bin, ...pre] = runtimeCommand(runtime)
  const proc = spawn(bin, [...pre, cli, ...args], {
    stdio: ['ignore', 'pipe', onStderr ? 'pipe' : 'inherit'],
  })
  if (onStderr) proc.stderr.on('data', (d) => onStderr(String(d)))
  let out = ''
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer)
      proc.kill('SIGKILL')
      const err = new Error(`taillight did not start (${why}): ${out.slice(0, 500)}`)
      reject(Object.assign(err, { code: 'E_CLI_START', path: cli }))
    }
    const timer = setTimeout(
      () => fail(`no "listening on" within ${timeoutMs / 1000} s`),
      timeoutMs
    )
    const onExit = (code, sig) => fail(`exited with ${code ?? sig}`)
    proc.once('exit', onExit)
    proc.stdout.on('data', (d) => {
      if (out.length < 20_000) out += d
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (!m || proc.url) return
      clearTimeout(timer)
      proc.off('exit', onExit)
      proc.url = m[1]
      resolve({ proc, url: m[1], port: Number(new URL(m[1]).port), startedAt: Date.now() })
    })
  })
}

/** Whether the process is still running (no exit code or signal yet). */
export const alive = (proc) => proc.exitCode === null && proc.signalCode === null

/** Ends a process this script started and waits (bounded) for it to be gone. */
export async function stopProc(proc, signal = 'SIGTERM', ms = 5000) {
  if (!alive(proc)) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill(signal)
  const t = setTimeout(() => proc.kill('SIGKILL'), ms)
  await exited
  clearTimeout(t)
}
