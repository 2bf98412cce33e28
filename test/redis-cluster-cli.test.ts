/**
 * `--redis-cluster` end to end: a 3-primary cluster on loopback, a watcher and an edge started
 * through the CLI with the seed nodes, lines written at a steady rate while a client of the
 * edge streams: it gets every line once, in order, and both roles report the cluster healthy.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { useTempDir } from './helpers/fs.js'
import { RedisClusterRig } from './helpers/redis-cluster.js'
import { redisAvailable } from './helpers/redis-server.js'
import { readBody, until } from './helpers/sse.js'

const run = redisAvailable()
const LINES = 200

describe.skipIf(!run)('taillight --redis-cluster', () => {
  const tmp = useTempDir()
  let rig: RedisClusterRig | undefined
  beforeAll(() => ensureBuilt(), 180_000)
  afterEach(async () => {
    await killAll()
    await rig?.stop()
    rig = undefined
  })

  it('a watcher and an edge through the CLI: every line once, in order', async () => {
    rig = await RedisClusterRig.start()
    const path = join(tmp.dir, 'app.log')
    writeFileSync(path, 'old 1\n')
    const redis = ['--redis', rig.url, '--redis-cluster', '--port', '0']
    const watcher = runCli([...redis, path])
    await watcher.url
    const edge = runCli(redis)
    const url = await edge.url
    const res = await fetch(`${url}events?file=app.log&lines=10`, {
      headers: { accept: 'text/event-stream' },
    })
    expect(res.status).toBe(200)
    const body = readBody(res)
    const got = () =>
      body.parser.events
        .filter((e) => e.event === 'init' || e.event === 'update')
        .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
    await until(() => got().length >= 1, 10_000, 'the first line through the edge')

    // 200 lines, one every 10 ms: the watcher publishes while the edge reads.
    const sent: string[] = []
    for (let i = 1; i <= LINES; i++) {
      sent.push(`line ${i}`)
      appendFileSync(path, `line ${i}\n`)
      await new Promise((r) => setTimeout(r, 10))
    }
    await until(() => got().length >= 1 + LINES, 15_000, 'every line through the edge')
    await new Promise((r) => setTimeout(r, 300)) // a doubled line would arrive in this time
    expect(got()).toEqual(['old 1', ...sent])

    const health = async (u: string) =>
      ((await (await fetch(`${u}health`)).json()) as { redis: Record<string, unknown> }).redis
    const w = await health(await watcher.url)
    expect(w).toMatchObject({ role: 'watcher', files: [{ id: 'app.log', leader: true }] })
    const e = await health(url)
    expect(e).toMatchObject({ role: 'edge', files: [{ id: 'app.log', gaps: 0, reader: 'live' }] })
    await body.cancel()
  }, 60_000)
})
