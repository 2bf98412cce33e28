/**
 * @module Adapters for runtimes with a Web-standard server: Bun (Bun.serve) and Deno (Deno.serve).
 *
 * Both hand every request to the app's fetch and stream SSE through a ReadableStream body (the
 * broadcaster's Web-stream sink). Neither runtime's types are installed: the little of each API
 * used here is declared below, so the module type-checks and loads everywhere.
 */
import { createApp, type AppDeps, type Taillight } from './app.js'

export interface ServeOptions {
  host?: string
  port?: number
  /** Static assets of the viewer, or none (false). */
  assets?: AppDeps['assets'] | false
}

/** A listening server on any runtime. */
export interface RunningServer {
  taillight: Taillight
  /** http://host:port/ with the real port (useful with port 0). */
  url: string
  port: number
  runtime: 'node' | 'bun' | 'deno'
  /** Stops accepting, ends every stream and closes every connection. */
  close(timeoutMs?: number): Promise<void>
}

type Fetch = (req: Request) => Response | Promise<Response>
interface BunServer {
  port: number
  stop(closeActiveConnections?: boolean): Promise<void> | void
}
interface BunLike {
  serve(o: { fetch: Fetch; hostname: string; port: number; idleTimeout: number }): BunServer
}
interface DenoServer {
  addr: { port: number }
  shutdown(): Promise<void>
  finished: Promise<void>
}
interface DenoLike {
  serve(o: { hostname: string; port: number; onListen?: () => void }, handler: Fetch): DenoServer
}

export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`
}

export function runtimeName(): RunningServer['runtime'] {
  const g = globalThis as { Bun?: unknown; Deno?: unknown }
  return g.Bun ? 'bun' : g.Deno ? 'deno' : 'node'
}

export function serveBun(deps: AppDeps, opts: ServeOptions): RunningServer {
  const Bun = (globalThis as unknown as { Bun: BunLike }).Bun
  const host = opts.host ?? '127.0.0.1'
  const taillight = createApp({ ...deps, assets: opts.assets || undefined })
  // idleTimeout 0: Bun closes connections idle for 10 s by default, which would cut SSE streams
  // between heartbeats (every 15 s).
  const server = Bun.serve({
    fetch: taillight.fetch,
    hostname: host,
    port: opts.port ?? 0,
    idleTimeout: 0,
  })
  let closing: Promise<void> | undefined
  const close = (timeoutMs = 500): Promise<void> =>
    (closing ??= (async () => {
      taillight.close()
      await Promise.race([server.stop(true), sleep(timeoutMs)])
    })())
  return { taillight, url: urlOf(host, server.port), port: server.port, runtime: 'bun', close }
}

export async function serveDeno(deps: AppDeps, opts: ServeOptions): Promise<RunningServer> {
  const Deno = (globalThis as unknown as { Deno: DenoLike }).Deno
  const host = opts.host ?? '127.0.0.1'
  const taillight = createApp({ ...deps, assets: opts.assets || undefined })
  let listening!: () => void
  const ready = new Promise<void>((r) => (listening = r))
  const server = Deno.serve(
    { hostname: host, port: opts.port ?? 0, onListen: () => listening() },
    taillight.fetch
  )
  await ready
  let closing: Promise<void> | undefined
  const close = (timeoutMs = 500): Promise<void> =>
    (closing ??= (async () => {
      taillight.close()
      await Promise.race([server.shutdown(), sleep(timeoutMs)])
    })())
  const port = server.addr.port
  return { taillight, url: urlOf(host, port), port, runtime: 'deno', close }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
