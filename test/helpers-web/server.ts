/**
 * Starts a taillight server for the browser tests: the real CLI (`node bin/taillight.js`) of the
 * built checkout, or, until it exists, the contract stub next to this file (with a loud warning).
 * Resolves once the server printed its URL.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))
const realCli = `${root}bin/taillight.js`
const stub = fileURLToPath(new URL('./stub-server.mjs', import.meta.url))

export interface RunningServer {
  url: string
  port: number
  kind: 'real' | 'stub'
  proc: ChildProcess
  output: () => string
  /** SIGKILL: no goodbye to the browsers, like a crash. */
  kill(): Promise<void>
  stop(): Promise<void>
}

export function serverKind(): 'real' | 'stub' {
  if (process.env.TAILLIGHT_E2E_STUB === '1') return 'stub'
  if (existsSync(realCli) && existsSync(`${root}dist/cli.js`)) return 'real'
  console.warn(
    '!! e2e: dist/cli.js is missing (run `npm run build`); using the contract stub server'
  )
  return 'stub'
}

export async function startServer(files: string[], opts: { port?: number; args?: string[] } = {}) {
  const kind = serverKind()
  const script = kind === 'real' ? realCli : stub
  const argv = [script, '--port', String(opts.port ?? 0), ...(opts.args ?? []), ...files]
  const proc = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not print its URL:\n${out}`)),
      15_000
    )
    const onData = (d: Buffer) => {
      out += d.toString()
      const m = /https?:\/\/[^\s/]+\/?/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(m[0].endsWith('/') ? m[0] : `${m[0]}/`)
      }
    }
    proc.stdout?.on('data', onData)
    proc.stderr?.on('data', onData)
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)))
  })
  const exited = new Promise<void>((r) => proc.once('exit', () => r()))
  const end = async (signal: NodeJS.Signals) => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal)
    await exited
  }
  const server: RunningServer = {
    url,
    port: Number(new URL(url).port),
    kind,
    proc,
    output: () => out,
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  }
  return server
}
