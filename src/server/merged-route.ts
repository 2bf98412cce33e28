/**
 * @module `/events?file=*`: the merged view's stream, over the files this request may read.
 *
 * Merged on the server, so one connection serves any number of files (a browser allows six per
 * host) and the resume point is one SSE id the browser keeps by itself. The same path configured
 * twice is merged once, as the viewer shows it once.
 */
import { MAX_MERGED_FILES } from '../core/merged-cursor.js'
import { visibleFiles } from './access.js'
import type { AppContext, FileEntry } from './context.js'
import { MergedStream } from './merged-stream.js'
import type { MergedFile, MergedOptions } from './merged-types.js'
import { ParamError } from './query.js'
import type { SseSink } from './sink.js'

/** How long a line waits for the other files' earlier lines (the merge's watermark). */
export const MERGE_HOLD_MS = 300
/** How long lines wait for a file that is still catching up (its earlier lines are coming). */
export const MERGE_JOIN_HOLD_MS = 3000

export interface MergedRequest {
  q: Map<string, string>
  /** Lines per file in the first screen; the file's own default when undefined. */
  lines: number | undefined
  cursor?: string
  skip?: number
}

/** The files of the merge; throws unknown_file (404) when the request may read none. */
export function mergedFiles(ctx: AppContext, q: Map<string, string>) {
  const paths = new Set<string>()
  const files = visibleFiles(ctx.files, q).filter(
    (f) => !paths.has(f.source.path) && paths.add(f.source.path)
  )
  if (files.length === 0) {
    throw new ParamError('unknown_file', 'no followed file may be read here', 'file', 404)
  }
  return files.slice(0, MAX_MERGED_FILES)
}

export function startMerged(ctx: AppContext, sink: SseSink, req: MergedRequest): MergedStream {
  const entries = mergedFiles(ctx, req.q)
  const hub = (entries[0] as (typeof entries)[0]).hub
  const o: MergedOptions = {
    holdMs: MERGE_HOLD_MS,
    joinHoldMs: MERGE_JOIN_HOLD_MS,
    maxBytes: hub.opts.maxQueueBytes / 2,
    maxEventBytes: hub.opts.maxEventBytes,
    lowWaterBytes: hub.opts.lowWaterBytes,
    drainTimeoutMs: hub.opts.drainTimeoutMs,
    heartbeatMs: hub.opts.heartbeatMs,
    retryMs: hub.opts.retryMs,
    retrySpreadMs: hub.opts.retrySpreadMs,
    tickMs: 50,
    now: () => hub.now(),
  }
  const toMerged = (f: FileEntry): MergedFile => ({
    id: f.source.id,
    hub: f.hub,
    lines: req.lines ?? f.lines ?? ctx.defaultLines,
  })
  // Files added to the registry later join the open stream (a glob's new match), not only the
  // next connection; access is this request's, as for the files it started with.
  const discover = {
    files: () => {
      try {
        return mergedFiles(ctx, req.q).map(toMerged)
      } catch {
        return []
      }
    },
    watch: ctx.watchFiles,
  }
  const req2 = { cursor: req.cursor, skip: req.skip }
  return new MergedStream(entries.map(toMerged), sink, req2, o, discover)
}
