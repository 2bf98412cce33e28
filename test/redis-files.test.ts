/**
 * Files that come and go on an edge: a file the watcher starts publishing after the edge
 * started shows up in the edge's /api/files and streams; one it withdraws leaves /api/files
 * and its clients get `gone`.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileSource } from '../src/follow/file-source.js'
import { redisAvailable } from './helpers/redis-server.js'
import { readBody, until } from './helpers/sse.js'
import { appOf, Cluster } from './redis-harness.js'

const run = redisAvailable()

describe.skipIf(!run)('redis edge: files that come and go', () => {
  let c: Cluster
  beforeEach(async () => {
    c = await Cluster.start({ content: 'a 1\n' })
  })
  afterEach(async () => {
    await c.stop()
  })

  it('a file published after the edge started appears in /api/files and streams; withdrawn, it ends', async () => {
    const pub = await c.startWatcher()
    const edge = await c.startEdge()
    const app = appOf(edge.sources)
    edge.serveIn(app.registry)
    const ids = async () => {
      const r = await app.fetch(new Request('http://edge/api/files'))
      return ((await r.json()) as { id: string }[]).map((f) => f.id)
    }
    expect(await ids()).toEqual(['app.log'])

    const path = join(c.dir, 'b.log')
    writeFileSync(path, 'b 1\n')
    const b = await createFileSource('b.log', path, { poll: true, pollMaxMs: 20 })
    try {
      pub.add(b)
      for (const end = Date.now() + 5000; !(await ids()).includes('b.log');) {
        if (Date.now() > end) throw new Error('b.log never reached the edge')
        await new Promise((r) => setTimeout(r, 50))
      }
      const req = new Request('http://edge/events?file=b.log&lines=10', {
        headers: { accept: 'text/event-stream' },
      })
      const body = readBody(await app.fetch(req))
      appendFileSync(path, 'b 2\nb 3\n')
      const lines = () =>
        body.parser.events
          .filter((e) => e.event === 'init' || e.event === 'update')
          .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
      await until(() => lines().length >= 3, 5000, 'b.log lines on the edge')
      expect(lines()).toEqual(['b 1', 'b 2', 'b 3'])

      await pub.remove('b.log')
      await until(() => body.parser.events.some((e) => e.event === 'gone'), 5000, 'gone')
      expect(await ids()).toEqual(['app.log'])
      expect(edge.sources.map((s) => s.id)).toEqual(['app.log'])
    } finally {
      await b.close()
    }
  })
})
