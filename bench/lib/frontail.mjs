/**
 * @module frontail, the comparison of bench/server-latency.mjs --frontail: installed into
 * .bench-tmp/ for the benchmark only (never a dependency of taillight), and its socket.io 2
 * client as a load-process transport (sse-load.mjs).
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { now } from './clock.mjs'

export function installFrontail(root) {
  const dir = join(root, '.bench-tmp', 'frontail')
  const main = join(dir, 'node_modules/frontail/index.js')
  if (!existsSync(main)) {
    mkdirSync(dir, { recursive: true })
    try {
      console.log(
        'installing frontail and socket.io-client@2 into .bench-tmp/ (benchmark only) ...'
      )
      execFileSync(
        'npm',
        [
          'install',
          '--prefix',
          dir,
          '--no-save',
          '--no-audit',
          '--no-fund',
          'frontail@4',
          'socket.io-client@2',
        ],
        { stdio: 'inherit', timeout: 300_000 }
      )
    } catch (err) {
      console.log(`frontail skipped: npm install failed (${err.message.split('\n')[0]})`)
      return null
    }
  }
  return { main, client: join(dir, 'node_modules/socket.io-client') }
}

export async function frontailClient(m, st, { parse, ready }) {
  const { default: io } = await import(join(m.client, 'lib/index.js'))
  return new Promise((resolve) => {
    // frontail puts its lines in a namespace named after the md5 of its file arguments.
    const ns = createHash('md5').update(m.file).digest('hex')
    const sock = io(`${m.url}${ns}`, {
      path: '/socket.io',
      transports: ['websocket'],
      forceNew: true,
    })
    sock.on('connect', () => {
      ready(st)
      resolve()
    })
    sock.on('line', (line) => parse(st, `${line}\n`, now()))
  })
}
