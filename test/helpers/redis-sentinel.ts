/**
 * @module A Sentinel rig for the failover tests: a primary, a replica and three sentinels
 * (`redis-server --sentinel`, Debian's redis-server has it), all on loopback ports, no
 * persistence, torn down by the test.
 *
 * Failover is made quick (down-after 1 s, failover-timeout 5 s) and safe to test: the primary
 * syncs the replica without the diskless delay, and `synced()` waits for
 * `master_link_status:up`, since a primary killed before that is replaced by an empty replica.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { answers, freePort } from './redis-server.js'

const BIN = process.env.REDIS_SERVER ?? 'redis-server'
const NAME = 'tlmaster'

/** One command over a fresh socket (inline protocol); the raw reply text. */
export function ask(port: number, command: string, ms = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    let out = ''
    const t = setTimeout(() => (sock.destroy(), resolve(out)), ms)
    sock.once('connect', () => sock.write(command + '\r\n'))
    sock.on('data', (d) => {
      out += d.toString()
      // Bulk replies: $len\r\n...\r\n; simple ones end at the first CRLF.
      const m = /^\$(\d+)\r\n/.exec(out)
      if (!m || out.length >= m[0].length + Number(m[1]) + 2) {
        clearTimeout(t)
        sock.destroy()
        resolve(out)
      }
    })
    sock.once('error', (e) => (clearTimeout(t), reject(e)))
  })
}

async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!(await cond().catch(() => false))) {
    if (Date.now() > end) throw new Error(`sentinel rig: timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

export class SentinelRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'taillight-sentinel-'))
  readonly procs = new Map<number, ChildProcess>()
  primary = 0
  replica = 0
  sentinels: number[] = []

  static async start(): Promise<SentinelRig> {
    const r = new SentinelRig()
    r.primary = await freePort()
    r.replica = await freePort()
    const data = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']
    const sync = ['--repl-diskless-sync-delay', '0', '--loglevel', 'warning']
    await r.spawn(r.primary, [...data, ...sync])
    await r.spawn(r.replica, [...data, ...sync, '--replicaof', '127.0.0.1', String(r.primary)])
    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      const conf = join(r.dir, `sentinel-${port}.conf`)
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${r.dir}`,
          `sentinel monitor ${NAME} 127.0.0.1 ${r.primary} 2`,
          `sentinel down-after-milliseconds ${NAME} 1000`,
          `sentinel failover-timeout ${NAME} 5000`,
          `sentinel parallel-syncs ${NAME} 1`,
          '',
        ].join('\n')
      )
      r.sentinels.push(port)
      await r.spawn(port, [conf, '--sentinel', '--loglevel', 'warning'], false)
    }
    return r
  }

  get url(): string {
    return `redis+sentinel://${this.sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${NAME}`
  }

  private async spawn(port: number, args: string[], withPort = true): Promise<void> {
    const all = withPort ? ['--port', String(port), '--dir', this.dir, ...args] : args
    this.procs.set(port, spawn(BIN, all, { stdio: 'ignore' }))
    await waitFor(() => answers(port), 5000, `port ${port}`)
  }

  /** Resolves once the replica is in sync and every sentinel knows it and the others. */
  async synced(ms = 15_000): Promise<void> {
    await waitFor(
      async () => (await ask(this.replica, 'INFO replication')).includes('master_link_status:up'),
      ms,
      'master_link_status:up'
    )
    for (const s of this.sentinels) {
      await waitFor(
        async () => {
          const m = await ask(s, `SENTINEL master ${NAME}`)
          return /num-slaves\r\n\$1\r\n1\r/.test(m) && /other-sentinels\r\n\$1\r\n2\r/.test(m)
        },
        ms,
        `sentinel ${s} to see the replica`
      )
    }
  }

  /** Port of the primary the sentinels name now. */
  async currentPrimary(): Promise<number> {
    const r = await ask(this.sentinels[0]!, `SENTINEL get-master-addr-by-name ${NAME}`)
    const ports = r.match(/\r\n(\d{2,5})\r\n/g) ?? []
    return Number((ports[ports.length - 1] ?? '').trim())
  }

  async kill9(port: number): Promise<void> {
    const p = this.procs.get(port)
    if (!p || p.exitCode !== null || p.signalCode !== null) return
    await new Promise<void>((r) => {
      p.once('exit', () => r())
      p.kill('SIGKILL')
    })
  }

  async stop(): Promise<void> {
    for (const port of this.procs.keys()) await this.kill9(port)
    rmSync(this.dir, { recursive: true, force: true })
  }
}
