/**
 * @module The SSE transport of the Node adapter: headers go straight to the ServerResponse
 * (Hono's documented escape hatch: write to c.env.outgoing, return RESPONSE_ALREADY_SENT), and
 * chunks to the socket's descriptor by send(2) where node-raw-sink.ts says that is safe, else
 * to the ServerResponse. Measured on this project's 2-core VM, a Web stream chain per
 * connection costs about 4x more per write and 3x more memory at 10,000 clients (README,
 * "Design notes (server)"). HTTP/2 streams take the Web-stream SSE sink (declined here).
 */
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { ServerResponse } from 'node:http'
import { availableParallelism } from 'node:os'
import { loadNative } from '../follow/native.js'
import type { AppDeps } from './app.js'
import type { SseTransport } from './context.js'
import { rawSink, type SocketWrite } from './node-raw-sink.js'
import type { SendBatch, SendMany } from './node-send-batch.js'
import { WORKER_ENV } from './node-worker.js'
import type { SseSink } from './sink.js'

const ignore = () => {}

/** The sink over a ServerResponse: a class, since 10,000 clients hold 10,000 of them. */
class NodeSink implements SseSink {
  constructor(readonly res: ServerResponse) {
    // A write after the peer vanished reports through 'error'; 'close' is what we act on.
    res.on('error', ignore)
  }

  write(bytes: Uint8Array): boolean {
    return this.res.destroyed || this.res.writableEnded ? false : this.res.write(bytes)
  }

  get bufferedBytes(): number {
    return this.res.writableLength
  }

  close(): void {
    if (!this.res.writableEnded) this.res.end()
  }

  destroy(): void {
    this.res.destroy()
  }

  onDrain(l: () => void): void {
    this.res.on('drain', l)
  }

  onClose(l: () => void): void {
    this.res.once('close', l)
  }
}

export const nodeSink = (res: ServerResponse): SseSink => new NodeSink(res)

/**
 * The fast path: headers go to the raw ServerResponse (HTTP/1.x only), chunks to its socket's
 * descriptor with `send` where that is safe, else to the ServerResponse.
 */
export const nodeTransport =
  (send?: SocketWrite, batch?: SendBatch): SseTransport =>
  (c, headers) => {
    const env = c.env as Partial<HttpBindings> | undefined
    const res = env?.outgoing
    // HTTP/2 forbids connection headers and has its own response type: use the Web stream there.
    if (!res || env.incoming?.httpVersionMajor !== 1) return undefined
    res.writeHead(200, headers)
    res.flushHeaders()
    const stream = nodeSink(res)
    const sink = (send && rawSink(res, send, stream, batch)) || stream
    return { sink, response: RESPONSE_ALREADY_SENT }
  }

/** The addon's send(2), when it loaded and has it (TAILLIGHT_SSE_SEND=0 turns it off). */
export function addonSocketWrite(): SocketWrite | undefined {
  if (process.env.TAILLIGHT_SSE_SEND === '0') return undefined
  const binding = loadNative().binding
  return binding?.writeSocket?.bind(binding)
}

/**
 * The addon's batched send(2) (node-send-batch.ts), when it has one and send(2) is on, with
 * `threads` sending (the JS thread among them). Default: this process's share of the cores,
 * at most 4 (more buys little at a worker's share of clients, and takes cores from the other
 * workers). TAILLIGHT_SSE_THREADS sets it; 1 keeps every send on the JS thread, batched still.
 */
export function addonSendMany(threads = sendThreads()): SendMany | undefined {
  if (process.env.TAILLIGHT_SSE_SEND === '0') return undefined
  const binding = loadNative().binding
  if (!binding?.sendMany || !binding.sendHelpers) return undefined
  binding.sendHelpers(Math.max(0, threads - 1))
  return binding.sendMany.bind(binding)
}

function sendThreads(env = process.env): number {
  const set = Number(env.TAILLIGHT_SSE_THREADS)
  if (Number.isInteger(set) && set >= 1 && set <= 64) return set
  const workers = Math.max(1, Number(env[WORKER_ENV.count]) || 1)
  return Math.max(1, Math.min(4, Math.floor(availableParallelism() / workers)))
}

/** An undrained history body: the socket goes, since a stalled write never ends otherwise. */
export const nodeDrop: NonNullable<AppDeps['dropConnection']> = (c) => {
  const env = c.env as Partial<HttpBindings> | undefined
  env?.outgoing?.destroy()
}
