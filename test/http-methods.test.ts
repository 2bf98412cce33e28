/**
 * Every route is read-only: other methods on a known path get 405 with Allow; unknown paths 404.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { FakeSource } from './helpers/fake-source.js'

let apps: Taillight[] = []
afterEach(() => {
  for (const a of apps) a.close()
  apps = []
})

describe('methods', () => {
  it('POST, PUT, DELETE and PATCH on a route are 405 with Allow: GET, HEAD', async () => {
    const t = createApp({ sources: [new FakeSource('a', { content: 'x\n' })], version: '1' })
    apps.push(t)
    for (const path of [
      '/',
      '/log',
      '/events',
      '/api/files',
      '/api/lines',
      '/download',
      '/health',
    ]) {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const r = await t.app.request(path, { method })
        expect(r.status, `${method} ${path}`).toBe(405)
        expect(r.headers.get('allow')).toBe('GET, HEAD')
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe(
          'method_not_allowed'
        )
      }
    }
    const missing = await t.app.request('/nope', { method: 'POST' })
    expect(missing.status).toBe(404)
    expect((await t.app.request('/api/files')).status).toBe(200)
  })
})
