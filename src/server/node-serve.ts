/**
 * @module The Node adapter: serves a Taillight app with @hono/node-server.
 *
 * SSE writes go straight to the ServerResponse (Hono's documented escape hatch: write to
 * c.env.outgoing, return RESPONSE_ALREADY_SENT). Measured on this project's 2-core VM, a Web
 * stream chain per connection costs about 4x more per write and 3x more memory at 10,000
 * clients (README, "Design notes (server)"). This is the only module that imports node:http
 * or @hono/node-server.
 *
 * With a certificate it serves HTTPS as HTTP/2 with HTTP/1.1 for clients that do not offer h2
 * (ALPN): a browser then opens every tab's stream on one connection instead of six at most.
 * HTTP/2 streams take the Web-stream SSE sink (nodeTransport declines them).
 */
import { serve, type HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Server, ServerResponse } from 'node:http'
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2'
import type { AddressInfo, Socket } from 'node:net'
import { createApp, type AppDeps, type Taillight } from './app.js'
import { loadNative } from '../follow/native.js'
import type { SseTransport } from './context.js'
import { loadAssets } from './node-assets.js'
import { rawSink, type SocketWrite } from './node-raw-sink.js'
import type { SseSink } from './sink.js'

export interface ServeOptions {
  host?: string
  port?: number
  /** Serve web/dist (default) or nothing (false) or these assets. */
  assets?: AppDeps['assets'] | false
  /** PEM certificate and key: HTTPS with HTTP/2 and HTTP/1.1. */
  tls?: { cert: Buffer | string; key: Buffer | string }
  /** SSE chunks by send(2) (node-raw-sink.ts): the addon's (default, when it loaded) or none. */
  socketWrite?: SocketWrite | null
}

export interface NodeServer {
  taillight: Taillight
  /** A node:http server, or a node:http2 secure server with tls. */
  server: Server | Http2SecureServer
  /** http(s)://host:port/ with the real port (useful with port 0). */
  url: string
  port: number
  /** Stops accepting, ends every stream and closes every connection. */
  close(timeoutMs?: number): Promise<void>
}

export function nodeSink(res: ServerResponse): SseSink {
  // A write after the peer vanished reports through 'error'; 'close' is what we act on.
  res.on('error', () => {})
  return {
    write: (bytes) => (res.destroyed || res.writableEnded ? false : res.write(bytes)),
    get bufferedBytes() {
      return res.writableLength
    },
    close: () => {
      if (!res.writableEnded) res.end()
    },
    destroy: () => {
      res.destroy()
    },
    onDrain: (l) => {
      res.on('drain', l)
    },
    onClose: (l) => {
      res.once('close', l)
    },
  }
}

/**
 * The fast path: headers go to the raw ServerResponse (HTTP/1.x only), chunks to its socket's
 * descriptor with `send` where that is safe, else to the ServerResponse.
 */
export const nodeTransport =
  (send?: SocketWrite): SseTransport =>
  (c, headers) => {
    const env = c.env as Partial<HttpBindings> | undefined
    const res = env?.outgoing
    // HTTP/2 forbids connection headers and has its own response type: use the Web stream there.
    if (!res || env.incoming?.httpVersionMajor !== 1) return undefined
    res.writeHead(200, headers)
    res.flushHeaders()
    const stream = nodeSink(res)
    const sink = (send && rawSink(res, send, stream)) || stream
    return { sink, response: RESPONSE_ALREADY_SENT }
  }

/** The addon's send(2), when it loaded and has it (TAILLIGHT_SSE_SEND=0 turns it off). */
function addonSocketWrite(): SocketWrite | undefined {
  if (process.env.TAILLIGHT_SSE_SEND === '0') return undefined
  const binding = loadNative().binding
  return binding?.writeSocket?.bind(binding)
}

/** An undrained history body: the socket goes, since a stalled write never ends otherwise. */
export const nodeDrop: NonNullable<AppDeps['dropConnection']> = (c) => {
  const env = c.env as Partial<HttpBindings> | undefined
  env?.outgoing?.destroy()
}

export async function serveNode(deps: AppDeps, opts: ServeOptions = {}): Promise<NodeServer> {
  const assets = opts.assets === false ? undefined : (opts.assets ?? loadAssets())
  const send = opts.socketWrite === undefined ? addonSocketWrite() : opts.socketWrite
  const taillight = createApp({
    transport: nodeTransport(send ?? undefined),
    dropConnection: nodeDrop,
    ...deps,
    assets,
  })
  const tls = opts.tls
  let server!: Server | Http2SecureServer
  const port = await new Promise<number>((resolve, reject) => {
    server = serve(
      {
        fetch: taillight.fetch,
        hostname: opts.host ?? '127.0.0.1',
        port: opts.port ?? 0,
        ...(tls
          ? { createServer: createSecureServer, serverOptions: { ...tls, allowHTTP1: true } }
          : {}),
      },
      (info: AddressInfo) => resolve(info.port)
    ) as Server | Http2SecureServer
    server.once('error', reject)
  })
  const host = opts.host ?? '127.0.0.1'
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}/`
  const close = tls
    ? closeSecure(server as Http2SecureServer, taillight)
    : closePlain(server as Server, taillight)
  return { taillight, server, url, port, close }
}

function closePlain(server: Server, taillight: Taillight): NodeServer['close'] {
  let closing: Promise<void> | undefined
  return (timeoutMs = 500) =>
    (closing ??= new Promise<void>((resolve) => {
      const done = () => {
        clearInterval(idle)
        clearTimeout(hard)
        resolve()
      }
      server.close(done)
      taillight.close()
      // Ended streams leave keep-alive sockets behind; close them as they go idle.
      const idle = setInterval(() => server.closeIdleConnections(), 20)
      const hard = setTimeout(() => server.closeAllConnections(), timeoutMs)
      server.closeIdleConnections()
    }))
}

/**
 * The http2 server has no closeIdleConnections: HTTP/2 sessions are asked to close (they finish
 * their streams, and every SSE stream was just ended), HTTP/1.1 sockets over TLS are destroyed
 * at the deadline unless they went away before it.
 */
function closeSecure(server: Http2SecureServer, taillight: Taillight): NodeServer['close'] {
  const sessions = new Set<ServerHttp2Session>()
  const sockets = new Set<Socket>()
  server.on('session', (s) => {
    sessions.add(s)
    s.once('close', () => sessions.delete(s))
  })
  server.on('secureConnection', (sock: Socket) => {
    sockets.add(sock)
    sock.once('close', () => sockets.delete(sock))
  })
  let closing: Promise<void> | undefined
  return (timeoutMs = 500) =>
    (closing ??= new Promise<void>((resolve) => {
      const hard = setTimeout(() => {
        for (const s of sessions) s.destroy()
        for (const sock of sockets) sock.destroy()
      }, timeoutMs)
      server.close(() => {
        clearTimeout(hard)
        resolve()
      })
      taillight.close()
      for (const s of sessions) s.close()
    }))
}
