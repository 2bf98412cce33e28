/**
 * @module One step of bench/run-all.mjs: a benchmark command run in its own process group with a
 * time limit (a step that hangs is ended with all its servers and clients), its output streamed
 * and kept, and the JSON it wrote read back.
 */
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join, relative } from 'node:path'

/** stdout of a command, trimmed; undefined when it fails. */
export function sh(root, cmd, args, opts = {}) {
  try {
    return execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...opts })
      .toString()
      .trim()
  } catch {
    return undefined
  }
}

/**
 * Runs `step` ({ id, args, env, limit }; `$JSON` in args is its results file under outDir).
 * Returns exit status, output, wall time, load average and the parsed results.
 */
export async function runStep(step, { root, outDir }) {
  const json = join(outDir, `${step.id}.json`)
  rmSync(json, { force: true })
  const args = step.args.map((a) => (a === '$JSON' ? json : a))
  const shown = [
    ...Object.entries(step.env ?? {}).map(([k, v]) => `${k}=${v}`),
    'node',
    ...args.map((a) => (a === json ? relative(root, json) : a)),
  ].join(' ')
  console.log(`\n=== ${step.id}: ${shown}`)
  const load0 = os.loadavg()[0]
  const t0 = Date.now()
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...step.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a time-out ends its servers and clients too
  })
  let out = ''
  const take = (d) => {
    out += d
    process.stdout.write(d)
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    console.log(`\n${step.id}: time limit of ${step.limit} s reached, ending it`)
    try {
      process.kill(-child.pid, 'SIGTERM')
      setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }, 5000).unref()
    } catch {
      // already gone
    }
  }, step.limit * 1000)
  const code = await new Promise((r) => child.on('close', (c, sig) => r(c ?? sig)))
  clearTimeout(timer)
  let data
  try {
    data = JSON.parse(readFileSync(json, 'utf8'))
  } catch {
    data = undefined
  }
  return {
    id: step.id,
    command: shown,
    code,
    timedOut,
    out,
    data,
    seconds: (Date.now() - t0) / 1000,
    load: [load0, os.loadavg()[0]],
  }
}
