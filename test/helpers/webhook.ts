/**
 * @module A real HTTP webhook receiver on 127.0.0.1 for alert tests: records every POST body
 * with its arrival time, and answers with the statuses it is told (or never, for `hang`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  body: Record<string, unknown>
  at: number
}

export interface Receiver {
  url: string
  got: Received[]
  /** Every request, answered or not. */
  attempts: number
  close(): Promise<void>
}

/** `answers[i]` is the status of request i; past the end 200; 'hang' never answers. */
export async function receiver(answers: (number | 'hang')[] = []): Promise<Receiver> {
  const got: Received[] = []
  const hanging: ServerResponse[] = []
  const r = { url: '', got, attempts: 0, close: async () => {} }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = answers[r.attempts] ?? (answers.at(-1) === 'hang' ? 'hang' : 200)
    r.attempts++
    let text = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => (text += d))
    req.on('end', () => {
      if (answer === 'hang') return void hanging.push(res)
      if (answer >= 200 && answer < 300) got.push({ body: JSON.parse(text), at: Date.now() })
      res.writeHead(answer).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  r.close = () =>
    new Promise<void>((resolve) => {
      for (const h of hanging) h.destroy()
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return r
}
