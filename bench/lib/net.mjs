/**
 * @module Loopback ports for the servers under test: a free one to hand to a server that cannot
 * pick its own, and a bounded wait until something listens on one.
 */
import { connect, createServer } from 'node:net'
import { sleep } from './clock.mjs'

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Resolves once 127.0.0.1:port accepts a connection; throws after about `ms`. */
export async function waitPort(port, what = 'server', ms = 5000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)))
      s.on('error', () => r(false))
    })
    if (ok) return
    await sleep(20)
  }
  throw Object.assign(new Error(`${what} on port ${port} did not start`), { code: 'E_NO_LISTEN' })
}
