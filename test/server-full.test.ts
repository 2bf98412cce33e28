/**
 * A full server (--max-clients) tells a plain HTTP client when to come back: 503 with a
 * Retry-After of the same jittered 30-60 s an EventSource gets as `retry:`.
 */
import { afterEach, expect, it } from 'vitest'
import { createApp, type Taillight } from '../src/server/app.js'
import { FakeSource } from './helpers/fake-source.js'
import { readBody } from './helpers/sse.js'

const apps: Taillight[] = []
afterEach(() => {
  for (const a of apps.splice(0)) a.close()
})

it('answers 503 with a jittered Retry-After of 30 to 60 seconds once full', async () => {
  const t = createApp({ sources: [new FakeSource('app')], version: '0.0.0-test', maxClients: 1 })
  apps.push(t)
  const a = readBody(await t.app.request('/events'))
  await a.events(1)
  const seen = new Set<number>()
  for (let i = 0; i < 20; i++) {
    const res = await t.app.request('/events', { headers: { accept: 'application/json' } })
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('server_full')
    const after = res.headers.get('retry-after')
    expect(after).toMatch(/^\d+$/)
    expect(Number(after)).toBeGreaterThanOrEqual(30)
    expect(Number(after)).toBeLessThanOrEqual(60)
    seen.add(Number(after))
  }
  // Jittered: twenty refusals do not all name the same second.
  expect(seen.size).toBeGreaterThan(1)
  await a.cancel()
})
