/**
 * @module A 3-primary Redis Cluster on loopback ports for the tests (`--cluster-enabled`,
 * `redis-cli --cluster create`, no replicas, no persistence), torn down by the test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { ask } from './redis-sentinel.js'
import { answers, freePort } from './redis-server.js'

const BIN = process.env.REDIS_SERVER ?? 'redis-server'
const run = promisify(execFile)

export class RedisClusterRig {
  readonly dir = mkdtempSync(join(tmpdir(), 'taillight-cluster-'))
  readonly procs: ChildProcess[] = []
  ports: number[] = []

  static async start(): Promise<RedisClusterRig> {
    const r = new RedisClusterRig()
    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      const dir = join(r.dir, String(port))
      mkdirSync(dir)
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '']
      args.push('--appendonly', 'no', '--dir', dir, '--cluster-enabled', 'yes')
      args.push('--cluster-config-file', join(dir, 'nodes.conf'), '--loglevel', 'warning')
      r.procs.push(spawn(BIN, args, { stdio: 'ignore' }))
      r.ports.push(port)
    }
    for (const p of r.ports) await r.waitFor(() => answers(p), `port ${p}`)
    const nodes = r.ports.map((p) => `127.0.0.1:${p}`)
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ])
    for (const p of r.ports) {
      await r.waitFor(async () => (await ask(p, 'CLUSTER INFO')).includes('cluster_state:ok'), 'ok')
    }
    return r
  }

  /** Seed nodes, as `--redis` takes them with `--redis-cluster`. */
  get url(): string {
    return `redis://${this.ports.map((p) => `127.0.0.1:${p}`).join(',')}`
  }

  private async waitFor(cond: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
    const end = Date.now() + ms
    while (!(await cond().catch(() => false))) {
      if (Date.now() > end) throw new Error(`cluster rig: timed out waiting for ${what}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async stop(): Promise<void> {
    for (const p of this.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL')
    rmSync(this.dir, { recursive: true, force: true })
  }
}
