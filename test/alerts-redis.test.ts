/**
 * Alerts in a Redis deployment, through the CLI: two watchers of one pattern (one leads each
 * file, the other stands by) and an edge, all given the same rules. A file that starts
 * matching after all three are up is alerted on once: by its leader, not by the standby nor by
 * the edge that learned about it from Redis; after the leader is killed the new one posts.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli, type Cli } from './helpers/cli.js'
import { waitFor } from './helpers/fs.js'
import { useRedisCli } from './helpers/redis-cli.js'
import { redisAvailable } from './helpers/redis-server.js'
import { receiver, type Receiver } from './helpers/webhook.js'

const run = redisAvailable()

interface FileHealth {
  id: string
  leader: boolean
}

async function eventually(pred: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  for (const end = Date.now() + ms; !(await pred().catch(() => false));) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** The watcher's view of one file from /health (undefined before it follows the file). */
async function fileHealth(url: string, id: string): Promise<FileHealth | undefined> {
  const h = (await (await fetch(`${url}health`)).json()) as { redis?: { files?: FileHealth[] } }
  return h.redis?.files?.find((f) => f.id === id)
}

describe.skipIf(!run)('alerts on Redis', () => {
  const rig = useRedisCli()
  const tmp = rig.tmp
  let hook: Receiver | undefined
  afterEach(async () => {
    await hook?.close()
    hook = undefined
  })

  it('a file that appears later is alerted on once, by its leading watcher', async () => {
    const redis = await rig.redis()
    hook = await receiver()
    const r = hook
    const dir = join(tmp.dir, 'logs')
    mkdirSync(dir)
    writeFileSync(join(dir, 'a.log'), 'a 1\n')
    const config = join(tmp.dir, 'taillight.yml')
    writeFileSync(
      config,
      `files:\n  - ${JSON.stringify(join(dir, '*.log'))}\nalerts:\n` +
        `  - name: fatal\n    match: "^FATAL"\n    webhook: ${r.url}\n    every: 1\n`
    )
    const args = ['--config', config, '--port', '0', '--redis', redis.url]
    const watchers: Cli[] = [runCli(args), runCli(args)]
    const urls = await Promise.all(watchers.map((w) => w.url))
    const edge = runCli([...args, '--edge'])
    const edgeUrl = await edge.url
    expect(edge.stderr()).toContain('alerts: 1 rule not evaluated on an edge')

    writeFileSync(join(dir, 'b.log'), 'b 1\n')
    // Both watchers follow b.log and Redis has told each whether it leads.
    let views: (FileHealth | undefined)[] = []
    await eventually(
      async () => {
        views = await Promise.all(urls.map((u) => fileHealth(u, 'b.log')))
        return views.every((v) => v !== undefined) && views.filter((v) => v!.leader).length === 1
      },
      'one leader of b.log',
      15_000
    )
    const lead = views.findIndex((v) => v!.leader)
    const served = async () =>
      ((await (await fetch(`${edgeUrl}api/files`)).json()) as { id: string }[]).map((f) => f.id)
    await eventually(async () => (await served()).includes('b.log'), 'b.log on the edge', 15_000)

    appendFileSync(join(dir, 'b.log'), 'ok\nFATAL disk full\n')
    await waitFor(() => r.got.length === 1, 'the POST', 8000)
    // A standby's or the edge's POST of the same line would arrive in this time.
    await new Promise((res) => setTimeout(res, 1500))
    expect(r.attempts).toBe(1)
    expect(r.got[0]!.body).toMatchObject({ rule: 'fatal', line: 'FATAL disk full', file: 'b.log' })

    // The leader dies: the standby takes the lease (5 s) and its alerts over.
    watchers[lead]!.child.kill('SIGKILL')
    const next = urls[1 - lead]!
    await eventually(
      async () => (await fileHealth(next, 'b.log'))?.leader === true,
      'takeover',
      15_000
    )
    appendFileSync(join(dir, 'b.log'), 'FATAL disk still full\n')
    await waitFor(() => r.got.length === 2, 'the new leader’s POST', 8000)
    await new Promise((res) => setTimeout(res, 1500))
    expect(r.attempts).toBe(2)
    expect(r.got[1]!.body).toMatchObject({ line: 'FATAL disk still full', file: 'b.log' })
  }, 90_000)
})
