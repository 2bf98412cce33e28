/**
 * Runs the LogSource contract (log-source.case.ts) over every implementation: the local file
 * source with native notification and with polling, a Redis edge fed by a real watcher through
 * a real redis-server on loopback, and the in-memory fake the server tests use.
 */
import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import type { LogSource } from '../src/core/log-source.js'
import { createFileSource, type FileSource } from '../src/follow/file-source.js'
import type { FollowerOptions } from '../src/follow/follower.js'
import { loadNative } from '../src/follow/native.js'
import { createEdgeSources, startWatcherPublishing } from '../src/redis/roles.js'
import { FakeSource } from './helpers/fake-source.js'
import { tempDir } from './helpers/fs.js'
import { RedisServer, redisAvailable } from './helpers/redis-server.js'
import { logSourceContract, type SourceHarness, type Subject } from './log-source.case.js'

const MAX_LINE = 1000
const closers = () => {
  const open: (() => Promise<unknown>)[] = []
  return {
    add: (fn: () => Promise<unknown>) => void open.push(fn),
    async run() {
      for (const fn of open.splice(0).reverse()) await fn()
    },
  }
}

/** A followed file in a temp dir, and the file operations of the contract on it. */
async function tempLog(c: ReturnType<typeof closers>) {
  const t = await tempDir('taillight-contract-')
  c.add(t.cleanup)
  const path = join(t.dir, 'app.log')
  writeFileSync(path, '')
  return {
    path,
    append: async (d: string | Uint8Array) => appendFileSync(path, d),
    rotate: async () => {
      renameSync(path, `${path}.1`)
      writeFileSync(path, '')
    },
    truncate: async () => truncateSync(path, 0),
  }
}

function local(opts: FollowerOptions): () => SourceHarness {
  return () => {
    const c = closers()
    const o: FollowerOptions = { ...opts, maxLineBytes: MAX_LINE, rotateGraceMs: 200 }
    const open = async (path: string): Promise<FileSource> => {
      const s = await createFileSource('app.log', path, { pollMaxMs: 20, ...o })
      c.add(() => s.close())
      return s
    }
    return {
      caps: { download: true, restart: true },
      maxLineBytes: MAX_LINE,
      deliveryMs: 5000,
      cleanup: () => c.run(),
      async make(): Promise<Subject> {
        const log = await tempLog(c)
        return { source: await open(log.path), ...log, reopen: () => open(log.path) }
      },
    }
  }
}

const native = loadNative()
if (native.binding) logSourceContract('local, native', local({ native: native.binding }))
else if (process.env.CI) {
  describe('LogSource contract (local, native)', () => {
    it('needs the native addon in CI', () => {
      throw new Error(`native addon not loaded: ${native.reason}. Run npm run build:native.`)
    })
  })
} else console.warn(`\n*** SKIPPED the native LogSource contract: ${native.reason} ***\n`)

logSourceContract('local, polling', local({ poll: true, native: null }))

logSourceContract('fake', () => {
  const opts = { maxLineBytes: MAX_LINE }
  return {
    caps: { download: true, restart: true },
    maxLineBytes: MAX_LINE,
    deliveryMs: 2000,
    cleanup: async () => undefined,
    async make(): Promise<Subject> {
      const f = new FakeSource('app', opts)
      return {
        source: f,
        append: async (d) => f.append(d),
        rotate: async () => f.rotate(),
        truncate: async () => f.truncate(),
        reopen: async (): Promise<LogSource> => new FakeSource('app', { ...opts, content: f.buf }),
      }
    },
  }
})

const withRedis = redisAvailable()
describe.skipIf(!withRedis)('redis edge', () => {
  let redis: RedisServer
  let n = 0
  beforeAll(async () => {
    redis = await RedisServer.start()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  logSourceContract('redis edge', () => {
    const c = closers()
    const prefix = `contract${++n}`
    const edge = async () => {
      const e = await createEdgeSources(redis.url, {
        prefix,
        startTimeoutMs: 5000,
        metaPollMs: 200,
        reader: { blockMs: 500 },
        connect: { maxBackoffMs: 200 },
      })
      c.add(() => e.close())
      return e.sources[0] as LogSource
    }
    return {
      caps: { download: true, restart: true },
      maxLineBytes: MAX_LINE,
      deliveryMs: 8000,
      cleanup: () => c.run(),
      async make(): Promise<Subject> {
        const log = await tempLog(c)
        const file = await createFileSource('app.log', log.path, {
          poll: true,
          pollMaxMs: 20,
          maxLineBytes: MAX_LINE,
          rotateGraceMs: 200,
        })
        c.add(() => file.close())
        const pub = startWatcherPublishing([file], redis.url, { prefix, heartbeatMs: 200 })
        c.add(() => pub.close(0))
        return { source: await edge(), ...log, reopen: edge }
      },
    }
  })
})
