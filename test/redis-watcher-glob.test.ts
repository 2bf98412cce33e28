/**
 * A watcher following a pattern publishes the files that start matching while it runs, and
 * withdraws those that go away: an edge started before them serves them, through the CLI.
 */
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from './helpers/cli.js'
import { useRedisCli } from './helpers/redis-cli.js'
import { readBody, until } from './helpers/sse.js'
import { redisAvailable } from './helpers/redis-server.js'

const run = redisAvailable()

describe.skipIf(!run)('a watcher of a pattern on Redis', () => {
  const rig = useRedisCli()
  const tmp = rig.tmp

  it('publishes a file that starts matching later, and withdraws one that goes away', async () => {
    const redis = await rig.redis()
    const dir = join(tmp.dir, 'logs')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.log'), 'a 1\n')
    const watcher = runCli(['--port', '0', '--redis', redis.url, join(dir, '*.log')])
    await watcher.url
    const edge = runCli(['--port', '0', '--redis', redis.url])
    const url = await edge.url
    const ids = async () =>
      ((await (await fetch(`${url}api/files`)).json()) as { id: string }[]).map((f) => f.id).sort()
    const waitIds = async (want: string[], what: string) => {
      for (const end = Date.now() + 15_000; ;) {
        const got = await ids()
        if (JSON.stringify(got) === JSON.stringify(want)) return
        if (Date.now() > end) throw new Error(`${what}: edge serves ${JSON.stringify(got)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    await waitIds(['a.log'], 'the first file')

    const b = join(dir, 'b.log')
    writeFileSync(b, 'b 1\n')
    await waitIds(['a.log', 'b.log'], 'the file that started matching')
    const res = await fetch(`${url}events?file=b.log&lines=10`, {
      headers: { accept: 'text/event-stream' },
    })
    const body = readBody(res)
    appendFileSync(b, 'b 2\n')
    const lines = () =>
      body.parser.events
        .filter((e) => e.event === 'init' || e.event === 'update')
        .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
    await until(() => lines().includes('b 2'), 10_000, 'b.log lines through the edge')
    expect(lines()).toEqual(['b 1', 'b 2'])

    rmSync(b)
    await waitIds(['a.log'], 'the file that went away')
  }, 90_000)
})
