/**
 * Per-file access on a Redis edge: a watcher publishes two files, an edge started with
 * `--edge --config` gives them groups by path, and two JWT users (keys from a JWKS on
 * loopback) see different /api/files there, the other's id being 404 on every route.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { startJwks, type Jwks } from './helpers/jwks.js'
import { RedisServer, redisAvailable } from './helpers/redis-server.js'

const run = redisAvailable()
let jwks: Jwks | undefined
let dir = ''
let redis: RedisServer | undefined

beforeAll(async () => {
  if (!run) return
  await ensureBuilt()
  dir = mkdtempSync(join(tmpdir(), 'tl-edge-access-'))
  jwks = await startJwks()
  redis = await RedisServer.start()
}, 200_000)
afterEach(killAll)
afterAll(async () => {
  await redis?.down()
  await jwks?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})
const sign = (sub: string, groups: string[]) => (jwks as Jwks).sign(sub, groups)

describe.skipIf(!run)('per-file access on a Redis edge', () => {
  it('the edge applies the groups its config gives the published paths', async () => {
    const web = join(dir, 'web.log')
    const db = join(dir, 'db.log')
    writeFileSync(web, 'web 1\n')
    writeFileSync(db, 'db 1\n')
    const url = (redis as RedisServer).url
    const watcher = runCli(['--redis', url, '--port', '0', web, db])
    await watcher.url
    const config = join(dir, 'edge.yml')
    writeFileSync(
      config,
      `redis: ${url}\nedge: true\nport: 0\nauth:\n  jwks: ${(jwks as Jwks).url}\n` +
        `files:\n  - path: ${web}\n    groups: [web]\n  - path: ${dir}/d*.log\n    groups: [db]\n`
    )
    const edge = runCli(['--config', config])
    const base = await edge.url
    const get = async (token: string, path: string) => {
      const res = await fetch(`${base}${path.slice(1)}`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null
      if (body === null) await res.body?.cancel()
      return { status: res.status, body }
    }
    const alice = await sign('alice', ['web'])
    const bob = await sign('bob', ['db'])
    const ids = async (t: string) =>
      ((await get(t, '/api/files')).body as { id: string }[]).map((f) => f.id)
    expect(await ids(alice)).toEqual(['web.log'])
    expect(await ids(bob)).toEqual(['db.log'])
    const unknown = await get(alice, '/api/lines?file=nothing')
    for (const path of ['/events', '/api/lines', '/api/search', '/download']) {
      const q = path === '/api/search' ? '&q=1' : ''
      const theirs = await get(alice, `${path}?file=db.log${q}`)
      expect(theirs.status, path).toBe(404)
      expect(theirs.body, path).toEqual(unknown.body)
      // Bob may see it: whatever the edge answers, it is not the 404 of an invisible file
      // (a download of a range the edge no longer holds is a 409, for example).
      expect((await get(bob, `${path}?file=db.log${q}`)).status, path).not.toBe(404)
    }
  }, 60_000)
})
