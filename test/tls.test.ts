/**
 * --tls-cert / --tls-key: HTTPS as HTTP/2 with HTTP/1.1 fallback, with a self-signed
 * certificate made by Debian's openssl for 127.0.0.1. /api/files and a streaming /events over
 * both protocols, the session cookie Secure on https, and bad files as exit 2 naming the file.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { request as httpsRequest, type RequestOptions } from 'node:https'
import { connect, type ClientHttp2Session } from 'node:http2'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { serveNode, type NodeServer } from '../src/server/node-serve.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { FakeSource } from './helpers/fake-source.js'
import { tempDir, waitFor } from './helpers/fs.js'

let dir: { dir: string; cleanup(): Promise<void> }
let cert: Buffer
let key: Buffer
let certPath: string
let keyPath: string
beforeAll(async () => {
  dir = await tempDir('taillight-tls-')
  certPath = join(dir.dir, 'cert.pem')
  keyPath = join(dir.dir, 'key.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'pipe' }
  )
  const { readFileSync } = await import('node:fs')
  cert = readFileSync(certPath)
  key = readFileSync(keyPath)
})
afterAll(() => dir.cleanup())

const servers: NodeServer[] = []
const sessions: ClientHttp2Session[] = []
afterEach(async () => {
  for (const s of sessions.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => s.close(200)))
  await killAll()
})

async function start(src: FakeSource, token?: string): Promise<NodeServer> {
  const s = await serveNode(
    { sources: [src], version: '1', token },
    { assets: false, tls: { cert, key } }
  )
  servers.push(s)
  return s
}

/** An HTTP/1.1 request over TLS (ALPN offers only http/1.1), trusting our certificate. */
function get1(
  url: string
): Promise<{ status: number; headers: Record<string, unknown>; body: string; alpn: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      { ca: cert, ALPNProtocols: ['http/1.1'] } as RequestOptions,
      (res) => {
        const alpn = String((res.socket as { alpnProtocol?: string } | null)?.alpnProtocol)
        let body = ''
        res.setEncoding('utf8').on('data', (d: string) => (body += d))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, alpn })
        )
      }
    )
    req.on('error', reject)
    req.end()
  })
}

describe('HTTPS from the Node adapter', () => {
  it('answers /api/files over HTTP/1.1 and HTTP/2', async () => {
    const s = await start(new FakeSource('app', { content: 'a\n' }))
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/)
    const one = await get1(`${s.url}api/files`)
    expect(one.alpn).toBe('http/1.1')
    expect(one.status).toBe(200)
    expect(one.body).toContain('"app"')

    const h2 = connect(s.url, { ca: cert })
    sessions.push(h2)
    const req = h2.request({ ':path': '/api/files' })
    let status = 0
    let body = ''
    req.on('response', (h) => (status = Number(h[':status'])))
    req.setEncoding('utf8').on('data', (d: string) => (body += d))
    await new Promise((r) => req.on('end', r))
    expect(h2.alpnProtocol).toBe('h2')
    expect(status).toBe(200)
    expect(body).toContain('"app"')
  })

  it('streams /events over HTTP/2 (the Web-stream sink) and HTTP/1.1 (the fast path)', async () => {
    const src = new FakeSource('app', { content: 'one\ntwo\n' })
    const s = await start(src)
    const h2 = connect(s.url, { ca: cert })
    sessions.push(h2)
    const stream = h2.request({ ':path': '/events?lines=2' })
    let h2text = ''
    let h2type = ''
    stream.on('response', (h) => (h2type = String(h['content-type'])))
    stream.setEncoding('utf8').on('data', (d: string) => (h2text += d))

    let h1text = ''
    const h1 = httpsRequest(
      `${s.url}events?lines=2`,
      { ca: cert, ALPNProtocols: ['http/1.1'] } as RequestOptions,
      (res) => {
        res.setEncoding('utf8').on('data', (d: string) => (h1text += d))
      }
    )
    h1.on('error', () => {})
    h1.end()

    await waitFor(() => h2text.includes('two') && h1text.includes('two'), 'init on both', 5000)
    expect(h2type).toMatch(/^text\/event-stream/)
    src.append('three\nfour\n')
    await waitFor(() => h2text.includes('four') && h1text.includes('four'), 'updates on both', 5000)
    h1.destroy()
    stream.close()
  })

  it('sets the session cookie Secure on https', async () => {
    const s = await start(new FakeSource('app', { content: 'a\n' }), 'tok')
    const res = await get1(`${s.url}?token=tok`)
    expect(res.status).toBe(303)
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/)
  })
})

describe('--tls-cert and --tls-key on the command line', () => {
  beforeAll(() => ensureBuilt(), 180_000)

  it('serves https and says so', async () => {
    const log = join(dir.dir, 'app.log')
    writeFileSync(log, 'hello\n')
    const cli = runCli(['--port', '0', '--tls-cert', certPath, '--tls-key', keyPath, log])
    const url = await cli.url
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/)
    const res = await get1(`${url}api/files`)
    expect(res.status).toBe(200)
    expect(res.body).toContain('app.log')
  })

  it('exits 2 naming the file when a file is missing, not PEM, or the pair does not match', async () => {
    const junk = join(dir.dir, 'junk.pem')
    writeFileSync(junk, 'not a certificate\n')
    const otherKey = join(dir.dir, 'other-key.pem')
    execFileSync(
      'openssl',
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', otherKey],
      { stdio: 'pipe' }
    )
    const cases: [string[], RegExp][] = [
      [
        ['--tls-cert', join(dir.dir, 'nope.pem'), '--tls-key', keyPath],
        /--tls-cert: cannot read certificate .*nope\.pem \(ENOENT\)/,
      ],
      [
        ['--tls-cert', certPath, '--tls-key', junk],
        /--tls-key: .*junk\.pem is not a PEM private key/,
      ],
      [['--tls-cert', certPath, '--tls-key', otherKey], /other-key\.pem are not a usable pair/],
      [['--tls-cert', certPath], /--tls-cert and --tls-key go together/],
    ]
    for (const [args, re] of cases) {
      const cli = runCli(['--port', '0', ...args, 'x.log'])
      expect((await cli.exit).code, args.join(' ')).toBe(2)
      expect(cli.stderr()).toMatch(re)
    }
  }, 30_000)
})
