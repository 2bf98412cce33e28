/**
 * What keeps a standby watcher's alerts quiet, in process: Alerts skips a source while `quiet`
 * says another process alerts for it, and a Lease says `elsewhere` exactly while Redis answers
 * that another watcher holds it (not while Redis is away: then every watcher alerts).
 */
import { appendFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Alerts } from '../src/alerts/alerts.js'
import { createFileSource } from '../src/follow/file-source.js'
import { connectRedis } from '../src/redis/conn.js'
import { Lease } from '../src/redis/watcher/lease.js'
import { sleep, useTempDir, waitFor } from './helpers/fs.js'
import { RedisServer, redisAvailable } from './helpers/redis-server.js'
import { receiver } from './helpers/webhook.js'

const t = useTempDir()
const open: { close(): unknown }[] = []
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
})

describe('alerts: quiet', () => {
  it('posts nothing for a source while it is quiet, and its next match once it is not', async () => {
    const r = await receiver()
    open.push(r)
    const path = join(t.dir, 'app.log')
    await writeFile(path, '')
    const source = t.track(await createFileSource('app', path))
    let quiet = true
    const alerts = new Alerts([{ name: 'e', match: '^ERROR', webhook: r.url, every: 1 }], {
      quiet: (s) => s === source && quiet,
    })
    open.push(alerts)
    alerts.watch(source)
    await appendFile(path, 'ERROR while standing by\n')
    await sleep(1200) // a POST would be here well within this
    expect(r.attempts).toBe(0)
    quiet = false
    await appendFile(path, 'ERROR once leading\n')
    await waitFor(() => r.got.length === 1, 'the POST', 3000)
    expect(r.got[0]!.body.line).toBe('ERROR once leading')
  })
})

describe.skipIf(!redisAvailable())('lease: elsewhere', () => {
  it('is true for the standby only, and false for both once Redis is away', async () => {
    const redis = await RedisServer.start()
    open.push({ close: () => redis.stop() })
    const conns = [0, 1].map((i) => connectRedis(redis.url, `lease-${i}`, { maxBackoffMs: 100 }))
    for (const c of conns) open.push({ close: () => c.close() })
    const keys = { lease: 'tl:{q}:lease', epoch: 'tl:{q}:epoch' }
    const leases = conns.map((c) => new Lease(c, keys, () => {}, { ttlMs: 1000 }))
    for (const l of leases) open.push(l)
    await waitFor(() => leases.some((l) => l.leader), 'a leader', 5000)
    const [lead, standby] = leases[0]!.leader ? leases : [leases[1]!, leases[0]!]
    await waitFor(() => standby!.elsewhere, 'the standby told another leads', 5000)
    expect(lead!.elsewhere).toBe(false)
    await redis.stop()
    await waitFor(() => !standby!.elsewhere && !lead!.leader, 'nobody known to lead', 5000)
    expect(lead!.elsewhere).toBe(false)
  })
})
