/**
 * @module Real-socket clients for the tests: an SSE client over node:http, a stalled raw TCP
 * client, and raw HTTP requests (paths that fetch would normalise).
 */
import { request, type IncomingHttpHeaders } from 'node:http'
import { connect, type Socket } from 'node:net'
import { SseParser, until, within } from './sse.js'

export interface SseConn {
  status: number
  headers: IncomingHttpHeaders
  parser: SseParser
  /** Arrival time (performance.now()) of each event, same index as parser.events. */
  times: number[]
  readonly ended: boolean
  end: Promise<void>
  waitFor(cond: (c: SseConn) => boolean, ms: number, what: string): Promise<void>
  /** Stops reading the socket (the server's writes back up), and reads again. */
  pause(): void
  resume(): void
  close(): void
}

export function connectSse(
  url: string,
  headers: Record<string, string> = {},
  ms = 5000
): Promise<SseConn> {
  return within(
    ms,
    new Promise<SseConn>((resolve, reject) => {
      const req = request(url, {
        agent: false,
        headers: { accept: 'text/event-stream', ...headers },
      })
      req.on('error', reject)
      req.on('response', (res) => {
        const parser = new SseParser()
        const times: number[] = []
        let ended = false
        const end = new Promise<void>((r) => {
          const done = () => {
            ended = true
            r()
          }
          res.on('end', done)
          res.on('close', done)
          res.on('error', done)
        })
        res.on('data', (chunk: Buffer) => {
          const now = performance.now()
          for (const _ of parser.feed(chunk)) times.push(now)
        })
        const conn: SseConn = {
          status: res.statusCode ?? 0,
          headers: res.headers,
          parser,
          times,
          get ended() {
            return ended
          },
          end,
          waitFor: (cond, wms, what) => until(() => cond(conn), wms, what),
          pause: () => res.pause(),
          resume: () => res.resume(),
          close: () => {
            req.destroy()
          },
        }
        resolve(conn)
      })
      req.end()
    }),
    `connect ${url}`
  )
}

/** A client that sends its request and then never reads a byte. */
export function stalledClient(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' }, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`)
      s.pause()
      resolve(s)
    })
    s.on('error', reject)
  })
}

/** Sends raw bytes and returns the status line and everything until the server closes. */
export function rawRequest(port: number, text: string, ms = 3000): Promise<string> {
  return within(
    ms,
    new Promise<string>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => s.write(text))
      let out = ''
      s.setEncoding('latin1')
      s.on('data', (d: string) => (out += d))
      s.on('end', () => resolve(out))
      s.on('error', reject)
    }),
    'raw request'
  )
}

export function sseLines(c: SseConn): string[] {
  const out: string[] = []
  for (const e of c.parser.events) {
    if (e.event === 'init' || e.event === 'update') {
      for (const l of (JSON.parse(e.data) as { lines: string[] }).lines) out.push(l)
    }
  }
  return out
}
