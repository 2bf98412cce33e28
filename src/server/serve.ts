/**
 * @module Serves a Taillight app on whatever runtime is running: Node (with the raw
 * ServerResponse fast path), Bun (Bun.serve) or Deno (Deno.serve).
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

export async function serve(deps: AppDeps, opts: ServeOptions = {}): Promise<RunningServer> {
  const assets = opts.assets === false ? false : (opts.assets ?? loadAssets())
  const runtime = runtimeName()
  if (runtime === 'bun') return serveBun(deps, { ...opts, assets })
  if (runtime === 'deno') return serveDeno(deps, { ...opts, assets })
  // Loaded only on Node: nothing else needs @hono/node-server.
  const { serveNode } = await import('./node-serve.js')
  const node = await serveNode(deps, { ...opts, assets })
  return { ...node, runtime: 'node' }
}
