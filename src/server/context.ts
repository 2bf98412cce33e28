/**
 * @module What the route modules share: the followed files and the resolved options.
 */
import type { Context } from 'hono'
import { canSee, viewerOf } from './access.js'
import type { LogSource } from '../core/log-source.js'
import type { Broadcaster } from './broadcaster.js'
import type { Metrics } from './metrics.js'
import { ParamError } from './query.js'
import type { ReadPool } from './read-pool.js'
import type { SseSink } from './sink.js'

export type AppEnv = { Variables: { query: Map<string, string> } }

export interface FileEntry {
  source: LogSource
  hub: Broadcaster
  /** Only requests whose identity has one of these groups see the file (access.ts). */
  groups?: readonly string[]
  /** Lines in `init` for this file when ?lines= is absent. */
  lines?: number
}

/**
 * Hands an SSE response to the runtime. The Node adapter writes the headers to the raw
 * ServerResponse and returns a sink over it; undefined selects the Web-stream sink.
 */
export type SseTransport = (
  c: Context<AppEnv>,
  headers: Record<string, string>
) => { sink: SseSink; response: Response } | undefined

export interface AppContext {
  /** The files served now, in order; file-registry.ts changes it while the app runs. */
  files: Map<string, FileEntry>
  version: string
  startedAt: number
  defaultLines: number
  maxLines: number
  maxClients: number
  metrics: Metrics
  search: { ms: number; bytes: number }
  /** The cap on concurrent history reads (lines, search, download). */
  reads: ReadPool
  /** History bodies: cancelled after idleMs unpulled; drop closes the connection (adapter). */
  bodies: { idleMs: number; drop?: (c: Context<AppEnv>) => void }
  clients(): number
  /** Calls `fn` after the file set changes (file-registry.ts); returns the unwatch. */
  watchFiles(fn: () => void): () => void
  extraHealth?: () => Record<string, unknown>
  extraMetrics?: () => string
}

/**
 * The file named by ?file=ID (the first one the request may see when absent). Ids only: never
 * a path. A file the request may not see is answered exactly like an unknown id.
 */
export function pickFile(ctx: AppContext, q: Map<string, string>): FileEntry {
  const id = q.get('file')
  const viewer = viewerOf(q)
  let f: FileEntry | undefined
  if (id === undefined) {
    for (const e of ctx.files.values()) if ((f = canSee(e, viewer) ? e : undefined)) break
  } else f = ctx.files.get(id)
  if (!f || !canSee(f, viewer)) {
    throw new ParamError('unknown_file', 'no followed file has this id', 'file', 404)
  }
  return f
}

/** A LogSource Stale result as an HTTP error: malformed cursors are 400, stale ones 409. */
export function staleError(reason: string, param: string): ParamError {
  return reason === 'malformed'
    ? new ParamError('bad_cursor', `${param} is not a valid cursor`, param)
    : new ParamError(
        'stale_cursor',
        `${param} no longer points into this file (${reason})`,
        param,
        409
      )
}
