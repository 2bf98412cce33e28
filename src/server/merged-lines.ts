/**
 * @module `GET /api/lines?file=*&before=MERGED&limit=N`: scrollback of the merged view (read
 * forwards, `after=` and `at=`, in merged-forward.ts).
 *
 * `before` is where the view starts in each file (core/merged-cursor.ts: a cursor plus k lines
 * after it). Each file reads its `limit` lines before that point in a slot of the read pool, the
 * newest `limit` of all of them are answered in time order (merge-newest.ts), and `first` says
 * where each file's start moved to. Reads are of the current file only, not its rotated past.
 */
import type { Context, Next } from 'hono'
import type { LogSource } from '../core/log-source.js'
import {
  atFileStart,
  formatMergedCursor,
  parseMergedCursor,
  type FilePosition,
} from '../core/merged-cursor.js'
import type { AppContext, AppEnv } from './context.js'
import { LINES_MAX_BYTES } from './lines-pages.js'
import { mergedForward } from './merged-forward.js'
import { takeNewest } from './merge-newest.js'
import { mergedFiles } from './merged-route.js'
import { intParam, ParamError } from './query.js'
import { texts } from './sse-frame.js'

const ROUTE = '/api/lines'

interface FileLines {
  id: string
  pos: FilePosition
  lines: string[]
  /** Where lines[i] starts: before.first plus i, then pos.cursor plus the rest. */
  startOf(i: number): FilePosition
  /** Nothing older than lines[0] in this file. */
  atStart: boolean
}

export function mergedLinesRoute(ctx: AppContext) {
  return async (c: Context<AppEnv>, next: Next) => {
    const q = c.get('query')
    if (q.get('file') !== '*') return next()
    const files = mergedFiles(ctx, q)
    const limit = intParam(q, 'limit', 1, 1000, 100)
    if (q.has('at') || q.has('after')) {
      const read = ctx.reads.reader(ROUTE)
      const eventBytes = (files[0] as (typeof files)[0]).hub.opts.maxEventBytes
      return c.json(await mergedForward(files, q, limit, eventBytes, read))
    }
    const text = q.get('before')
    const from = text === undefined ? undefined : parseMergedCursor(text)
    if (!from) {
      throw new ParamError('bad_cursor', 'before must be a merged cursor (file=*)', 'before')
    }
    const read = ctx.reads.reader(ROUTE)
    const parts: FileLines[] = []
    for (const f of files) {
      const pos = from.get(f.source.id)
      if (!pos || pos.cursor === '') continue
      const reader = <T>(fn: () => Promise<T>) => read(fn, false)
      parts.push(await linesBefore(f.source, pos, limit, f.hub.opts.maxEventBytes, reader))
    }
    const t = takeNewest(
      parts.map((p) => p.lines),
      limit
    )
    const starts = new Map(from)
    let atStart = true
    parts.forEach((p, i) => {
      const kept = p.lines.length - (t.taken[i] as number)
      if (t.taken[i]) starts.set(p.id, p.startOf(kept))
      if (kept > 0 || !p.atStart) atStart = false
    })
    return c.json({
      file: '*',
      lines: t.lines,
      files: t.files.map((i) => (parts[i] as FileLines).id),
      first: formatMergedCursor(starts),
      last: text,
      more: !atStart,
      atStart,
    })
  }
}

async function linesBefore(
  source: LogSource,
  pos: FilePosition,
  limit: number,
  eventBytes: number,
  read: <T>(fn: () => Promise<T>) => Promise<T>
): Promise<FileLines> {
  const r = await read(() => source.readBefore(pos.cursor, limit, LINES_MAX_BYTES))
  if ('stale' in r) {
    // This file rotated or was truncated since: nothing of it is older than the view any more.
    return { id: source.id, pos, lines: [], startOf: () => pos, atStart: true }
  }
  let after: string[] = []
  if (pos.k > 0) {
    // The k lines came in one event of the file's stream: one event's budget holds them.
    const a = await read(() => source.readAfter(pos.cursor, source.position(), eventBytes))
    after = 'stale' in a ? [] : texts(a.lines).slice(0, pos.k)
  }
  const before = texts(r.lines)
  const first = r.first
  return {
    id: source.id,
    pos,
    lines: before.concat(after),
    startOf: (i) =>
      i < before.length ? { cursor: first, k: i } : { cursor: pos.cursor, k: i - before.length },
    atStart: atFileStart(first) && !r.more,
  }
}
