/**
 * @module --demo: a realistic, growing sample log in a temporary file, so a newcomer sees
 * taillight working without a log at hand.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const RED = '\x1b[31m'
const YELLOW = '\x1b[33m'
const DIM = '\x1b[2m'
const RESET = '\x1b[0m'
const ROUTES = [
  '/api/users',
  '/api/orders',
  '/login',
  '/health',
  '/api/search?q=lamp',
  '/static/app.js',
]
const USERS = ['ada', 'grace', 'linus', 'margaret', 'ken', 'barbara']

const pick = <T>(a: readonly T[]): T => a[Math.floor(Math.random() * a.length)] as T

function line(now: Date): string[] {
  const ts = now.toISOString()
  const r = Math.random()
  if (r < 0.55) {
    const status = Math.random() < 0.9 ? 200 : pick([201, 304, 404])
    const ms = Math.floor(Math.random() * 120)
    return [`${ts} INFO  [http] GET ${pick(ROUTES)} ${status} ${ms}ms user=${pick(USERS)}`]
  }
  if (r < 0.7) return [`${ts} ${DIM}DEBUG${RESET} [cache] hit ratio=${Math.random().toFixed(3)}`]
  if (r < 0.8) {
    const evt = {
      ts,
      level: 'info',
      msg: 'order placed',
      user: pick(USERS),
      total: +(Math.random() * 200).toFixed(2),
    }
    return [JSON.stringify(evt)]
  }
  if (r < 0.93)
    return [
      `${ts} ${YELLOW}WARN${RESET}  [db] slow query took ${200 + Math.floor(Math.random() * 900)}ms`,
    ]
  return [
    `${ts} ${RED}ERROR${RESET} [worker] job ${Math.floor(Math.random() * 1e5)} failed: Error: connection reset`,
    '    at Socket.onEnd (node:net:712:12)',
    '    at Worker.run (/srv/app/worker.js:88:5)',
  ]
}

export interface Demo {
  path: string
  stop(): void
}

/** Starts writing; a few lines per second, in bursts, as a small web service would. */
export function startDemo(): Demo {
  const dir = mkdtempSync(join(tmpdir(), 'taillight-demo-'))
  const path = join(dir, 'demo.log')
  const fd = openSync(path, 'a')
  const write = (n: number) => {
    let text = ''
    for (let i = 0; i < n; i++) text += line(new Date()).join('\n') + '\n'
    writeSync(fd, text)
  }
  write(40)
  let timer: ReturnType<typeof setTimeout>
  const next = () => {
    timer = setTimeout(
      () => {
        write(1 + Math.floor(Math.random() * 3))
        next()
      },
      150 + Math.random() * 600
    )
  }
  next()
  return {
    path,
    stop() {
      clearTimeout(timer)
      closeSync(fd)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
