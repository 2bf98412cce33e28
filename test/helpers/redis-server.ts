/**
 * @module A throwaway redis-server for the tests: random loopback port, no persistence, its own
 * temp dir, stopped (and restartable on the same port) by the test.
 *
 * Without the binary: under CI the tests fail with a message naming the Debian package; locally
 * they are skipped with a loud warning (`redisAvailable()` tells which).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const BIN = process.env.REDIS_SERVER ?? 'redis-server'

export function redisAvailable(): boolean {
  const ok = spawnSync(BIN, ['--version'], { stdio: 'ignore' }).status === 0
  if (ok) return true
  const msg =
    'redis-server not found: install the Debian package `redis-server` (apt-get install ' +
    'redis-server) or set REDIS_SERVER; the Redis scale-out tests need a real server'
  if (process.env.CI) throw new Error(msg)
  console.warn(`\n*** SKIPPING Redis tests: ${msg} ***\n`)
  return false
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

export function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1')
    sock.once('connect', () => sock.write('PING\r\n'))
    sock.once('data', (d) => {
      sock.destroy()
      resolve(d.toString().startsWith('+PONG'))
    })
    sock.once('error', () => resolve(false))
  })
}

export class RedisServer {
  proc: ChildProcess | null = null
  readonly dir = mkdtempSync(join(tmpdir(), 'taillight-redis-'))

  private constructor(readonly port: number) {}

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePort())
    await s.up()
    return s
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  /** Starts (again) on the same port; resolves once it answers PING. */
  async up(ms = 5000): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '']
    args.push('--appendonly', 'no', '--dir', this.dir, '--daemonize', 'no', '--loglevel', 'warning')
    this.proc = spawn(BIN, args, { stdio: 'ignore' })
    const deadline = Date.now() + ms
    while (!(await answers(this.port))) {
      if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not start`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /** Stops it hard (SIGKILL: nothing saved, like a crash). */
  async down(): Promise<void> {
    const p = this.proc
    this.proc = null
    if (!p || p.exitCode !== null) return
    await new Promise<void>((r) => {
      p.once('exit', () => r())
      p.kill('SIGKILL')
    })
  }

  async stop(): Promise<void> {
    await this.down()
    rmSync(this.dir, { recursive: true, force: true })
  }
}
