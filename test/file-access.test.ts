/**
 * Per-file access: two JWT users (keys from a JWKS served on loopback) with different groups
 * see different /api/files, and the other's files are 404 on every route, with the very body
 * of an unknown id; the static token sees everything; /health lists no restricted file.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { jwtVerifier } from '../src/server/jwt-auth.js'
import { FakeSource } from './helpers/fake-source.js'
import { startJwks, type Jwks } from './helpers/jwks.js'

let jwks: Jwks
beforeAll(async () => {
  jwks = await startJwks()
})
afterAll(() => jwks.close())
const sign = (sub: string, groups: string[]) => jwks.sign(sub, groups)

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})

/** web (group web), db (group db), shared (no groups). */
function app(): Taillight {
  const files = ['web', 'db', 'shared'].map((id) => new FakeSource(id, { content: `${id} 1\n` }))
  const t = createApp({
    sources: files,
    fileMeta: new Map([
      ['web', { groups: ['web'] }],
      ['db', { groups: ['db', 'dba'] }],
    ]),
    version: '1',
    token: 'static-token',
    jwt: jwtVerifier({ jwksUrl: jwks.url, jwksCooldownMs: 0 }),
  })
  apps.push(t)
  return t
}

async function get(t: Taillight, token: string, path: string) {
  const res = await t.app.request(path, { headers: { authorization: `Bearer ${token}` } })
  const type = res.headers.get('content-type') ?? ''
  // A stream that was accepted is not read to its end: its status is what counts.
  if (type.startsWith('text/event-stream')) {
    await res.body?.cancel()
    return { status: res.status, body: undefined }
  }
  return { status: res.status, body: type.includes('json') ? await res.json() : await res.text() }
}

const ids = async (t: Taillight, token: string) =>
  ((await get(t, token, '/api/files')).body as { id: string }[]).map((f) => f.id)

const ROUTES = (id: string) => [
  `/events?file=${id}`,
  `/api/lines?file=${id}`,
  `/api/search?file=${id}&q=1`,
  `/download?file=${id}`,
]

describe('per-file access', () => {
  it('two users with different groups see different files; the others are 404 everywhere', async () => {
    const t = app()
    const alice = await sign('alice', ['web'])
    const bob = await sign('bob', ['dba', 'other'])
    expect(await ids(t, alice)).toEqual(['web', 'shared'])
    expect(await ids(t, bob)).toEqual(['db', 'shared'])
    const unknown = await get(t, alice, '/api/lines?file=no-such-file')
    expect(unknown.status).toBe(404)
    for (const [user, mine, theirs] of [
      [alice, 'web', 'db'],
      [bob, 'db', 'web'],
    ] as const) {
      for (const path of ROUTES(theirs)) {
        const r = await get(t, user, path)
        expect(r.status, path).toBe(404)
        // Exactly what an id that does not exist gets: nothing tells them the file is there.
        expect(r.body, path).toEqual(unknown.body)
      }
      for (const path of [...ROUTES(mine), ...ROUTES('shared')]) {
        expect((await get(t, user, path)).status, path).toBe(200)
      }
    }
    // Without ?file= the default is the first file the user may see, not the first one served.
    const lines = (await get(t, bob, '/api/lines')).body as { file: string }
    expect(lines.file).toBe('db')
  })

  it('a user in no listed group sees only unrestricted files; the static token sees all', async () => {
    const t = app()
    expect(await ids(t, await sign('carol', []))).toEqual(['shared'])
    expect(await ids(t, 'static-token')).toEqual(['web', 'db', 'shared'])
    for (const path of ROUTES('db')) expect((await get(t, 'static-token', path)).status).toBe(200)
  })

  it('/health (open without auth) lists no restricted file; /metrics shows only visible ones', async () => {
    const t = app()
    const health = (await (await t.app.request('/health')).json()) as { files: { id: string }[] }
    expect(health.files.map((f) => f.id)).toEqual(['shared'])
    const metrics = (await get(t, await sign('alice', ['web']), '/metrics')).body as string
    expect(metrics).toContain('"web"')
    expect(metrics).not.toContain('"db"')
  })

  it('new groups end the file’s open streams; a client that may no longer see it gets 404', async () => {
    const t = app()
    const alice = await sign('alice', ['web'])
    const res = await t.app.request('/events?file=web', {
      headers: { authorization: `Bearer ${alice}`, accept: 'text/event-stream' },
    })
    expect(res.status).toBe(200)
    const reader = (res.body as ReadableStream<Uint8Array>).getReader()
    let text = ''
    for (let i = 0; i < 20 && !text.includes('event: init'); i++) {
      text += new TextDecoder().decode((await reader.read()).value)
    }
    expect(text).toContain('event: init')
    const hub = t.files.get('web')?.hub
    t.registry.update('web', { groups: ['web'] }) // the same groups: the same streams go on
    expect(t.files.get('web')?.hub).toBe(hub)
    expect(hub?.size).toBe(1)
    t.registry.update('web', { groups: ['ops'] })
    let done = false
    for (let i = 0; i < 100 && !done; i++) done = (await reader.read()).done
    expect(done).toBe(true)
    expect((await get(t, alice, '/events?file=web')).status).toBe(404)
  })

  it('changed groups apply to the next request', async () => {
    const t = app()
    const alice = await sign('alice', ['web'])
    t.registry.update('db', { groups: ['web'] })
    expect(await ids(t, alice)).toEqual(['web', 'db', 'shared'])
    t.registry.update('web', { groups: ['nobody'] })
    expect((await get(t, alice, '/api/lines?file=web')).status).toBe(404)
  })
})
