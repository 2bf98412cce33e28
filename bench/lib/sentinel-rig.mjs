/**
 * @module A Sentinel rig for bench/failover.mjs: a primary, a replica and three sentinels
 * (`redis-server --sentinel`) on loopback ports, quick to fail over (down-after 1 s), started
 * only once the replica is in sync (a primary killed earlier is replaced by an empty replica).
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { sleep } from './clock.mjs'
import { freePort, waitPort } from './net.mjs'

const NAME = 'tlmaster'

/** One inline command; the raw reply, taken as complete once the socket is quiet for 30 ms. */
function ask(port, command) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    let out = ''
    let t = setTimeout(() => done(), 1000)
    const done = () => (clearTimeout(t), s.destroy(), resolve(out))
    s.on('connect', () => s.write(command + '\r\n'))
    s.on('data', (d) => {
      out += d
      clearTimeout(t)
      t = setTimeout(done, 30)
    })
    s.on('error', () => done())
  })
}

async function waitFor(cond, ms, what) {
  for (const end = Date.now() + ms; !(await cond()); await sleep(50)) {
    if (Date.now() > end) throw new Error(`sentinel rig: timed out waiting for ${what}`)
  }
}

export async function startRig(dir) {
  const procs = new Map()
  const run = async (port, args) => {
    procs.set(port, spawn('redis-server', args, { stdio: 'ignore' }))
    await waitPort(port, `redis-server ${port}`)
  }
  const primary = await freePort()
  const replica = await freePort()
  const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
  base.push('--repl-diskless-sync-delay', '0', '--loglevel', 'warning')
  await run(primary, ['--port', String(primary), ...base])
  await run(replica, [
    '--port',
    String(replica),
    ...base,
    '--replicaof',
    '127.0.0.1',
    String(primary),
  ])
  const sentinels = []
  for (let i = 0; i < 3; i++) {
    const port = await freePort()
    const conf = join(dir, `sentinel-${port}.conf`)
    const lines = [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`]
    lines.push(`sentinel monitor ${NAME} 127.0.0.1 ${primary} 2`)
    lines.push(
      `sentinel down-after-milliseconds ${NAME} 1000`,
      `sentinel failover-timeout ${NAME} 5000`
    )
    writeFileSync(conf, lines.join('\n') + '\n')
    sentinels.push(port)
    await run(port, [conf, '--sentinel', '--loglevel', 'warning'])
  }
  await waitFor(
    async () => (await ask(replica, 'INFO replication')).includes('master_link_status:up'),
    15_000,
    'sync'
  )
  for (const s of sentinels) {
    await waitFor(
      async () => {
        const m = await ask(s, `SENTINEL master ${NAME}`)
        return /num-slaves\r\n\$1\r\n1\r/.test(m) && /other-sentinels\r\n\$1\r\n2\r/.test(m)
      },
      15_000,
      'sentinels to know each other'
    )
  }
  const rig = {
    procs,
    primary,
    replica,
    url: `redis+sentinel://${sentinels.map((p) => `127.0.0.1:${p}`).join(',')}/${NAME}`,
    async currentPrimary() {
      const r = await ask(sentinels[0], `SENTINEL get-master-addr-by-name ${NAME}`)
      const ports = r.match(/\r\n(\d{2,5})\r\n/g) ?? []
      return Number((ports[ports.length - 1] ?? '').trim())
    },
    async stop() {
      for (const p of procs.values()) {
        if (p.exitCode === null && p.signalCode === null) {
          await new Promise((r) => (p.once('exit', r), p.kill('SIGKILL')))
        }
      }
    },
  }
  return rig
}
