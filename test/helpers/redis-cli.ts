/**
 * @module The set-up of CLI tests on a real Redis: the CLI built once, a fresh redis-server per
 * test, and after each test the CLI processes killed and the server stopped.
 */
import { afterEach, beforeAll } from 'vitest'
import { ensureBuilt, killAll } from './cli.js'
import { useTempDir } from './fs.js'
import { RedisServer } from './redis-server.js'

export function useRedisCli() {
  const tmp = useTempDir()
  let redis: RedisServer | undefined
  beforeAll(() => ensureBuilt(), 180_000)
  afterEach(async () => {
    await killAll()
    await redis?.stop()
    redis = undefined
  })
  return {
    tmp,
    /** A redis-server for this test, stopped after it. */
    async redis(): Promise<RedisServer> {
      redis = await RedisServer.start()
      return redis
    },
  }
}
