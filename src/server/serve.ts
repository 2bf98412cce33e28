/**
 * @module Serves a Taillight app on whatever runtime is running: Node (with the raw
 * ServerResponse fast path), Bun (Bun.serve) or Deno (Deno.serve). TLS is Node's
 * (node-serve.ts).
 */
import type { AppDeps } from './app.js'
import { loadAssets } from './node-assets.js'
import {
  runtimeName,
  serveBun,
  serveDeno,
  type RunningServer,
  type ServeOptions,
} from './web-serve.js'

export type { RunningServer, ServeOptions } from './web-serve.js'

export interface ServeTlsOptions extends ServeOptions {
  /** PEM certificate and key (read by the CLI): HTTPS, HTTP/2 with HTTP/1.1 fallback. */
  tls?: { cert: Buffer | string; key: Buffer | string }
}

export async function serve(deps: AppDeps, opts: ServeTlsOptions = {}): Promise<RunningServer> {
  const assets = opts.assets === false ? false : (opts.assets ?? loadAssets())
  const runtime = runtimeName()
  if (opts.tls && runtime !== 'node') {
    // Said, not ignored: serving plain HTTP to someone who asked for HTTPS would leak tokens.
    throw Object.assign(
      new Error(`--tls-cert is served by the Node adapter only, not ${runtime}`),
      {
        code: 'E_TLS_RUNTIME',
      }
    )
  }
  if (runtime === 'bun') return serveBun(deps, { ...opts, assets })
  if (runtime === 'deno') return serveDeno(deps, { ...opts, assets })
  // Loaded only on Node: nothing else needs @hono/node-server.
  const { serveNode } = await import('./node-serve.js')
  const node = await serveNode(deps, { ...opts, assets })
  return { ...node, runtime: 'node' }
}
