/**
 * The addon's sendMany (native/SendPool.cc) on real loopback sockets: one payload to many
 * descriptors over helper threads, each socket getting it exactly once.
 */
import { createServer, connect, type Socket } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import { loadNative } from '../src/follow/native.js'

const binding = loadNative().binding
const many = binding?.sendMany && binding.sendHelpers ? binding : undefined
if (!many && process.env.CI) throw new Error('native addon without sendMany: npm run build:native')
if (!many) console.warn('\n*** SKIPPED send-many.test.ts: no native addon ***\n')

const sockets: Socket[] = []
afterAll(() => sockets.forEach((s) => s.destroy()))

describe.runIf(many)('sendMany', () => {
  it('sends the bytes once to every descriptor, split over helpers, results per descriptor', async () => {
    const N = 300
    const received = new Map<number, string>()
    const accepted: Socket[] = []
    const server = createServer((s) => accepted.push(s))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    for (let i = 0; i < N; i++) {
      const c = connect(port, '127.0.0.1')
      sockets.push(c)
      c.on('data', (d) => received.set(i, (received.get(i) ?? '') + String(d)))
    }
    await Promise.all(sockets.map((c) => new Promise((r) => c.once('connect', r))))
    while (accepted.length < N) await new Promise((r) => setTimeout(r, 5))
    sockets.push(...accepted)
    // Accepted order is not connect order: send to each accepted socket its peer's index.
    const fds = new Int32Array(N + 1)
    accepted.forEach((s, i) => (fds[i] = (s as unknown as { _handle: { fd: number } })._handle.fd))
    fds[N] = 2147483000 // not open: -EBADF, the others unaffected
    const results = new Int32Array(N + 1)
    const bytes = new TextEncoder().encode('data: same\n\n')
    many!.sendHelpers!(2)
    many!.sendMany!(fds, N + 1, bytes, results)
    expect([...results.subarray(0, N)].every((n) => n === bytes.byteLength)).toBe(true)
    expect(results[N]).toBe(-9)
    const deadline = Date.now() + 5000
    while ([...received.values()].filter((t) => t.length >= 12).length < N && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10))
    expect(received.size).toBe(N)
    for (const text of received.values()) expect(text).toBe('data: same\n\n')
    many!.sendHelpers!(0)
    server.close()
  })

  it('rejects a count past its arrays and arguments of the wrong type, with codes', () => {
    const fds = new Int32Array(2)
    const out = new Int32Array(1)
    const b = new Uint8Array(1)
    expect(() => many!.sendMany!(fds, 2, b, out)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    )
    const wrong = new Uint8Array(2) as unknown as Int32Array
    expect(() => many!.sendMany!(wrong, 1, b, out)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' })
    )
  })
})
