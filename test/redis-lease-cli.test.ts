/**
 * --redis-lease reaches the watcher's lease: the key Redis holds for a file expires within the
 * time given, not the default 5 s, so a standby takes over that much sooner.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { runCli } from './helpers/cli.js'
import { useRedisCli } from './helpers/redis-cli.js'
import { redisAvailable } from './helpers/redis-server.js'

const run = redisAvailable()

describe.skipIf(!run)('taillight --redis-lease', () => {
  const rig = useRedisCli()

  it('sets the TTL of the lease the watcher holds on each file', async () => {
    const redis = await rig.redis()
    const file = join(rig.tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const watcher = runCli(['--port', '0', '--redis', redis.url, '--redis-lease', '1500', file])
    await watcher.url
    const client = createClient({ url: redis.url })
    await client.connect()
    try {
      let ttl = -2
      for (const end = Date.now() + 10_000; ttl < 0 && Date.now() < end;) {
        ttl = await client.pTTL('taillight:{app.log}:lease')
        if (ttl < 0) await new Promise((r) => setTimeout(r, 100))
      }
      // Held (a positive TTL), and never more than the 1.5 s asked for (the default is 5 s).
      expect(ttl).toBeGreaterThan(0)
      expect(ttl).toBeLessThanOrEqual(1500)
    } finally {
      await client.quit()
    }
  })
})
