/**
 * @module The Node adapter: serves a Taillight app with @hono/node-server; SSE streams take the
 * transport of node-transport.ts. This module, that one and node-raw-sink.ts are the only ones
 * that import node:http or @hono/node-server.
 *
 * With a certificate it serves HTTPS as HTTP/2 with HTTP/1.1 for clients that do not offer h2
 * (ALPN): a browser then opens every tab's stream on one connection instead of six at most.
 * HTTP/2 streams take the Web-stream SSE sink (nodeTransport declines them).
 */
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2'
import type { AddressInfo, Socket } from 'node:net'
import { createApp, type AppDeps, type Taillight } from './app.js'
import { loadAssets } from './node-assets.js'
import type { SocketWrite } from './node-raw-sink.js'
import { SendBatch, type SendMany } from './node-send-batch.js'
import { addonSendMany, addonSocketWrite, nodeDrop, nodeTransport } from './node-transport.js'

export interface ServeOptions {
  host?: string
  port?: number
  /** Serve web/dist (default) or nothing (false) or these assets. */
  assets?: AppDeps['assets'] | false
  /** PEM certificate and key: HTTPS with HTTP/2 and HTTP/1.1. */
  tls?: { cert: Buffer | string; key: Buffer | string }
  /** SSE chunks by send(2) (node-raw-sink.ts): the addon's (default, when it loaded) or none. */
  socketWrite?: SocketWrite | null
  /** A fan-out slice's sends batched (node-send-batch.ts): the addon's (default) or none. */
  sendMany?: SendMany | null
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

export async function serveNode(deps: AppDeps, opts: ServeOptions = {}): Promise<NodeServer> {
  const assets = opts.assets === false ? undefined : (opts.assets ?? loadAssets())
  const send = opts.socketWrite === undefined ? addonSocketWrite() : opts.socketWrite
  const many = opts.sendMany === undefined ? addonSendMany() : opts.sendMany
  // A fan-out slice's sends in one call, over a few threads (node-send-batch.ts).
  const batch = send && many ? new SendBatch(many) : undefined
  const taillight = createApp({
    transport: nodeTransport(send ?? undefined, batch),
    dropConnection: nodeDrop,
    ...deps,
    broadcaster: { writeBatch: batch, ...deps.broadcaster },
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
