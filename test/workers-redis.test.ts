/**
 * @module `--workers 2 --redis URL file`: only worker 1 publishes, so an edge gets every line
 * once; the other worker serves the same file from its own follower. Needs redis-server on PATH.
 */
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { connectSse, sseLines } from './helpers/http-sse.js'
import { redisAvailable, RedisServer } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'

describe.skipIf(!redisAvailable())('--workers 2 with --redis and a file', () => {
  let redis: RedisServer
  let dir = ''
  beforeAll(ensureBuilt, 180_000)
  beforeEach(async () => {
    redis = await RedisServer.start()
    dir = mkdtempSync(join(tmpdir(), 'tl-workers-redis-'))
  })
  afterEach(async () => {
    await killAll()
    await redis.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('one publisher: the edge gets every line once; Redis figures come from worker 1', async () => {
    const file = join(dir, 'app.log')
    writeFileSync(file, 'start\n')
    const watcher = runCli(['--workers', '2', '--redis', redis.url, '--port', '0', file])
    const url = await watcher.url
    await until(() => watcher.stdout().includes('serving with 2 workers'), 5000, 'workers')
    const edge = runCli(['--redis', redis.url, '--port', '0'])
    const edgeUrl = await edge.url
    let client
    for (let i = 0; i < 50 && !client; i++) {
      const c = await connectSse(`${edgeUrl}events?lines=0`)
      if (c.status === 200) client = c
      else await new Promise((r) => setTimeout(r, 100)) // the file is not published yet
    }
    if (!client) throw new Error('the edge never served the published file')
    await client.waitFor((c) => c.parser.events.some((e) => e.event === 'init'), 5000, 'init')
    const sent = Array.from({ length: 60 }, (_, i) => `line ${i}`)
    for (const l of sent) appendFileSync(file, `${l}\n`)
    await client.waitFor((c) => sseLines(c).length >= 60, 8000, 'every line on the edge')
    await new Promise((r) => setTimeout(r, 300)) // a second publisher would double them now
    expect(sseLines(client)).toEqual(sent)
    const text = await (await fetch(`${url}metrics`)).text()
    expect(text).toMatch(/^taillight_redis_\w+\{worker="1"/m)
    expect(text).not.toMatch(/^taillight_redis_\w+\{worker="2"/m)
    client.close()
  }, 40_000)
})
