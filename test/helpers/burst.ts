/**
 * @module Burst tests' tools: a child process that appends numbered lines at disk speed, a
 * sampler of a process's RSS, and an SSE client that checks every line as it arrives instead
 * of keeping hundreds of megabytes of them.
 */
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { runCli } from './cli.js'
import { SseParser, within, type SseEvent } from './sse.js'

/** The server's default event budget of line data. */
export const BUDGET = 256 * 1024
/** Generous: the server idles at about 70 MiB; unbounded, a 200 MB burst took it past 1 GB. */
export const RSS_BOUND_MB = 400

/** The CLI following an empty app.log in `dir`, with no init lines. */
export async function startOnEmptyFile(dir: string, args: string[] = []) {
  const file = join(dir, 'app.log')
  writeFileSync(file, '')
  const cli = runCli([file, '--port', '0', '--lines', '0', ...args])
  const url = await cli.url
  return { file, cli, url, pid: cli.child.pid as number }
}

/** Line n of a burst as a client gets it: a 9-digit number, padded with x to `width` - 1 characters. */
export function burstLine(n: number, width = 100): string {
  const head = String(n).padStart(9, '0') + ' '
  return head + 'x'.repeat(width - head.length - 1)
}

/** Appends lines from..to (inclusive) to `path` in 4 MB writes from a child process. */
export function writeBurst(path: string, from: number, to: number, width = 100): Promise<void> {
  const script = `
    const fs = require('node:fs')
    const [path, from, to, width] = process.argv.slice(1)
    const fd = fs.openSync(path, 'a')
    const pad = 'x'.repeat(Number(width) - 11)
    let n = Number(from)
    while (n <= Number(to)) {
      const parts = []
      for (let i = 0; i < 40000 && n <= Number(to); i++, n++) {
        parts.push(String(n).padStart(9, '0') + ' ' + pad + '\\n')
      }
      fs.writeSync(fd, parts.join(''))
    }
    fs.closeSync(fd)`
  const child = spawn(process.execPath, [
    '-e',
    script,
    path,
    String(from),
    String(to),
    String(width),
  ])
  return within(
    60_000,
    new Promise<void>((resolve, reject) => {
      child.on('error', reject)
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer: ${code}`))))
    }),
    'burst writer'
  )
}

/** Samples VmRSS of `pid` every 100 ms; stop() returns the peak in MiB. */
export function sampleRss(pid: number): { stop(): number } {
  let peak = 0
  const read = () => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (m) peak = Math.max(peak, Number(m[1]) / 1024)
    } catch {
      // the process is gone: the peak so far stands
    }
  }
  read()
  const t = setInterval(read, 100)
  return {
    stop() {
      clearInterval(t)
      read()
      return peak
    },
  }
}

/** What a checking client saw: lines are verified as they come, only counts are kept. */
export interface Checked {
  /** The number the next line must carry. */
  next: number
  events: number
  maxEventBytes: number
  lastId: string
  /** Names of the events that were not init/update, in order, with their data. */
  others: SseEvent[]
  /** Each `skipped`: the line expected when it came, and the line the stream went on with. */
  gaps: { expected: number; resumed?: number; event: SseEvent }[]
  /** First ordering error, if any. */
  error?: string
  ended: boolean
  req: ClientRequest
  res: IncomingMessage
  done: Promise<void>
}

/** Opens /events and checks that lines arrive numbered next, next+1, ... */
export function checkingClient(url: string, next: number, headers: Record<string, string> = {}) {
  return within(
    5000,
    new Promise<Checked>((resolve, reject) => {
      const req = request(url, {
        agent: false,
        headers: { accept: 'text/event-stream', ...headers },
      })
      req.on('error', reject)
      req.on('response', (res) => {
        const parser = new SseParser()
        let doneResolve!: () => void
        const st: Checked = {
          next,
          events: 0,
          maxEventBytes: 0,
          lastId: headers['last-event-id'] ?? '',
          others: [],
          gaps: [],
          ended: false,
          req,
          res,
          done: new Promise<void>((r) => (doneResolve = r)),
        }
        const end = () => {
          st.ended = true
          doneResolve()
        }
        res.on('end', end)
        res.on('close', end)
        res.on('error', end)
        res.on('data', (chunk: Buffer) => {
          const events = parser.feed(chunk)
          parser.events.length = 0 // checked here; keeping them would hold the whole burst
          for (const e of events) {
            st.events++
            if (e.id !== undefined) st.lastId = e.id
            if (e.event !== 'update' && e.event !== 'init') {
              st.others.push(e)
              if (e.event === 'skipped') {
                st.gaps.push({ expected: st.next, event: e })
                st.next = -1 // the next line tells where it went on
              }
              continue
            }
            const lines = (JSON.parse(e.data) as { lines: string[] }).lines
            let bytes = 0
            for (const l of lines) {
              bytes += Buffer.byteLength(l) + 1
              const n = Number(l.slice(0, 9))
              if (st.next === -1) {
                st.next = n
                const gap = st.gaps[st.gaps.length - 1]
                if (gap) gap.resumed = n
              }
              if (n !== st.next && st.error === undefined) {
                st.error = `expected line ${st.next}, got ${l.slice(0, 20)}`
              }
              st.next = n + 1
            }
            st.maxEventBytes = Math.max(st.maxEventBytes, bytes)
          }
        })
        resolve(st)
      })
      req.end()
    }),
    `connect ${url}`
  )
}
