/**
 * DNS rebinding: a server bound to loopback answers only to loopback Host names (and to the
 * names given with --allowed-hosts), on every route, through the real CLI and socket.
 */
import { request } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { hostAllowList } from '../src/server/host-check.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { useTempDir } from './helpers/fs.js'

/** A GET with a Host header of our choosing (fetch does not let us set it). */
function get(url: string, path: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, headers: { host, accept: 'application/json' } },
      (res) => {
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d
          // An SSE stream that was let through never ends: its first bytes are enough.
          if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy()
        })
        const done = () => resolve({ status: res.statusCode ?? 0, body })
        res.on('end', done).on('close', done)
      }
    )
    req.on('error', reject).end()
  })
}

describe('hostAllowList', () => {
  it('bound to loopback: loopback names only, any port, case and trailing dot ignored', () => {
    const ok = hostAllowList('127.0.0.1') as (h: string) => boolean
    for (const h of ['localhost', 'LOCALHOST', 'localhost.', '127.0.0.1', '[::1]']) {
      expect(ok(h), h).toBe(true)
    }
    for (const h of ['evil.example', 'localhost.evil.example', '127.0.0.2', '10.0.0.1', '']) {
      expect(ok(h), h).toBe(false)
    }
    expect((hostAllowList('::1') as (h: string) => boolean)('[::1]')).toBe(true)
    expect((hostAllowList('127.0.0.5') as (h: string) => boolean)('127.0.0.5')).toBe(true)
  })

  it('--allowed-hosts adds names; a leading dot allows subdomains', () => {
    const ok = hostAllowList('127.0.0.1', ['logs.example.com', '.corp.example']) as (
      h: string
    ) => boolean
    expect(ok('logs.example.com')).toBe(true)
    expect(ok('Logs.Example.com.')).toBe(true)
    expect(ok('a.logs.example.com')).toBe(false)
    expect(ok('corp.example')).toBe(true)
    expect(ok('eu.corp.example')).toBe(true)
    expect(ok('evilcorp.example')).toBe(false)
    expect(ok('localhost')).toBe(true)
  })

  it('bound to a public address: any Host without a list; with one, the list and IP literals', () => {
    expect(hostAllowList('0.0.0.0')).toBeUndefined()
    const ok = hostAllowList('0.0.0.0', ['logs.example.com']) as (h: string) => boolean
    expect(ok('logs.example.com')).toBe(true)
    expect(ok('192.0.2.7')).toBe(true)
    expect(ok('[2001:db8::1]')).toBe(true)
    expect(ok('evil.example')).toBe(false)
  })
})

describe('Host allow-list through the CLI', () => {
  const tmp = useTempDir()
  afterEach(killAll)

  it('a rebound name gets 403 host_not_allowed on every route; loopback names are served', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\ntwo\n')
    const cli = runCli(['--port', '0', file])
    const url = await cli.url
    const port = new URL(url).port
    for (const path of [
      '/',
      '/api/files',
      '/events',
      '/api/lines',
      '/api/search?q=one',
      '/download',
      '/health',
      '/metrics',
      '/app.js',
    ]) {
      for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example`]) {
        const r = await get(url, path, host)
        expect(r.status, `${path} with Host ${host}`).toBe(403)
        expect(JSON.parse(r.body).error.code).toBe('host_not_allowed')
        expect(r.body).not.toContain(file)
      }
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost']) {
      const r = await get(url, '/api/files', host)
      expect(r.status, host).toBe(200)
      expect(JSON.parse(r.body)[0].path).toBe(file)
    }
    expect((await get(url, '/events', `localhost:${port}`)).status).toBe(200)
  })

  it('the page has a strict CSP that forbids framing; every response has nosniff', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const url = await runCli(['--port', '0', file]).url
    const page = await fetch(url)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/frame-ancestors 'none'/)
    expect(csp).toMatch(/script-src 'self'(;|$)/)
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/)
    expect(page.headers.get('x-frame-options')).toBe('DENY')
    expect(page.headers.get('referrer-policy')).toBe('no-referrer')
    for (const path of ['/', '/app.js', '/api/files', '/api/lines', '/health', '/nope']) {
      const r = await fetch(new URL(path, url))
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff')
      expect(r.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/)
      await r.body?.cancel()
    }
    // The fallback page (no web/dist) keeps its own nonce policy, also closed to framing.
    const { createApp } = await import('../src/server/app.js')
    const { FakeSource } = await import('./helpers/fake-source.js')
    const t = createApp({ sources: [new FakeSource('a')], version: '1' })
    const fallback = await t.app.request('/')
    t.close()
    const fcsp = fallback.headers.get('content-security-policy') ?? ''
    expect(fcsp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/)
    expect(fcsp).toMatch(/frame-ancestors 'none'/)
    expect(await fallback.text()).toMatch(/<script nonce=/)
    // No source maps are served unless the build was asked for them.
    expect((await fetch(new URL('/app.js.map', url))).status).toBe(404)
  })

  it('--allowed-hosts serves a reverse proxy name; a bad list is a usage error', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const cli = runCli(['--port', '0', '--allowed-hosts', 'logs.example.com,.corp.example', file])
    const url = await cli.url
    expect((await get(url, '/api/files', 'logs.example.com')).status).toBe(200)
    expect((await get(url, '/api/files', 'eu.corp.example:443')).status).toBe(200)
    expect((await get(url, '/api/files', 'evil.example')).status).toBe(403)

    const bad = runCli(['--allowed-hosts', 'a.example,http://b', file])
    expect((await bad.exit).code).toBe(2)
    expect(bad.stderr()).toMatch(/--allowed-hosts must be a comma-separated list of host names/)
    const env = runCli([file], { TAILLIGHT_ALLOWED_HOSTS: 'x y' })
    expect((await env.exit).code).toBe(2)
    expect(env.stderr()).toMatch(/TAILLIGHT_ALLOWED_HOSTS/)
  })

  it('binding a non-loopback address without a token warns; with a token it does not', async () => {
    await ensureBuilt()
    const file = join(tmp.dir, 'app.log')
    writeFileSync(file, 'one\n')
    const open = runCli(['--host', '0.0.0.0', '--port', '0', file])
    await open.url
    await new Promise((r) => setTimeout(r, 100))
    expect(open.stderr()).toMatch(/warning: listening on 0\.0\.0\.0 without --token/)
    const guarded = runCli(['--host', '0.0.0.0', '--port', '0', file], {
      TAILLIGHT_TOKEN: 's3cret',
    })
    await guarded.url
    await new Promise((r) => setTimeout(r, 100))
    expect(guarded.stderr()).not.toMatch(/warning: listening/)
    const local = runCli(['--port', '0', file])
    await local.url
    await new Promise((r) => setTimeout(r, 100))
    expect(local.stderr()).not.toMatch(/warning: listening/)
  })
})
