/**
 * @module How a new SSE client joins: resume from the ring, catch up from the file, or start
 * with `init`.
 *
 * The hand-over is gap-free because it is synchronous: pending events are flushed, the client's
 * queue is emptied and source.position() is taken in one tick. Every later event reaches the
 * client's queue, which is written right after the history read up to that position. When the
 * queue overflows meanwhile it is emptied, and the catch-up reads on from the file to a new
 * hand-over point: a client that reads slower than the file grows costs memory for one page.
 */
import type { Position } from '../core/log-source.js'
import type { ClientStream } from './client-stream.js'
import { concat, encodeEvent, encodeRetry, isValidId, texts } from './sse-frame.js'
import type { StreamHub } from './stream-hub.js'

/**
 * How long a cursor ahead of this process's read is waited for: AHEAD_TRIES × AHEAD_WAIT_MS,
 * twice the longest stat-polling interval (follow/options.ts pollMaxMs), so a sibling that
 * polls also gets there.
 */
const AHEAD_TRIES = 10
const AHEAD_WAIT_MS = 50

export interface JoinOptions {
  /** Lines in `init` (ignored when resuming). */
  lines: number
  /** Last-Event-ID: resume after it. */
  cursor?: string
}

export function joinClient(hub: StreamHub, c: ClientStream, opts: JoinOptions): void {
  c.send(encodeRetry(hub.opts.retryMs, hub.opts.retrySpreadMs), 0)
  const state = hub.fileState.current()
  if (state) c.send(encodeEvent('state', state), 0)
  const cursor = opts.cursor
  if (cursor !== undefined) {
    if (cursor === hub.headId) {
      c.lastId = cursor
      c.at = hub.headAt
      return c.goLive()
    }
    // From memory only when it is little: more is paged from the file at the client's pace.
    const missed = hub.ring.after(cursor, hub.opts.maxQueueBytes / 2)
    if (missed) {
      c.send(missed, 0, hub.headId, hub.headAt)
      return c.goLive()
    }
  }
  resume(hub, c, opts).catch((err: unknown) => {
    hub.onError(err)
    c.end()
  })
}

async function resume(hub: StreamHub, c: ClientStream, opts: JoinOptions): Promise<void> {
  let reset: Uint8Array | undefined
  if (opts.cursor !== undefined) {
    const cursor = opts.cursor
    let until = handOver(hub, c)
    let check = isValidId(cursor)
      ? await hub.source.check(cursor)
      : ({ ok: false, reason: 'malformed' } as const)
    // A cursor past what this process has read was handed out by another that follows the
    // same file (a --workers sibling, the page's seed): its follower gets there in a moment.
    for (let i = 0; !check.ok && check.reason === 'ahead' && i < AHEAD_TRIES && !c.closed; i++) {
      await new Promise((r) => setTimeout(r, AHEAD_WAIT_MS))
      if (c.closed) return
      until = handOver(hub, c)
      check = await hub.source.check(cursor)
    }
    if (c.closed) return
    let reason = check.ok ? ('stale' as const) : check.reason
    if (check.ok) {
      hub.counters.catchUps++
      if (await catchUp(hub, c, opts.cursor, check.offset, until)) return
      if (c.closed) return
      reason = 'stale' // the file rotated away while we were reading it
    }
    hub.counters.resets++
    reset = encodeEvent('reset', { reason }, until.cursor)
  }
  for (let attempt = 0; ; attempt++) {
    const at = handOver(hub, c)
    const r = await hub.source.tail(opts.lines, at, hub.opts.maxEventBytes)
    if (c.closed) return
    if ('stale' in r) {
      // Rotated between position() and the read: take the new position.
      if (attempt < 3) continue
      throw Object.assign(new Error(`cannot read the tail of ${hub.source.path}: ${r.reason}`), {
        code: 'E_TAIL_STALE',
        path: hub.source.path,
      })
    }
    const lines = texts(r.lines)
    const more = lines.length < opts.lines && r.more
    const data = { file: hub.source.id, lines, first: r.first, ...(more && { more }) }
    const init = encodeEvent('init', data, at.cursor)
    c.send(reset ? concat([reset, init]) : init, lines.length, at.cursor)
    if (!(await catchUp(hub, c, at.cursor, at.offset, at))) c.drop('queue')
    return
  }
}

/** Flushes pending events, empties the client's queue and returns the hand-over position. */
function handOver(hub: StreamHub, c: ClientStream): Position {
  const p = hub.handOver(c)
  c.catchingUp()
  return p
}

/**
 * Writes every line after `from` up to `until`, then turns the client live; false if that
 * history is gone. A skip-ahead client that is further behind skips to near the head.
 */
async function catchUp(
  hub: StreamHub,
  c: ClientStream,
  from: string,
  fromOffset: number,
  until: Position
): Promise<boolean> {
  const src = hub.source
  for (;;) {
    if (c.skip && until.offset - fromOffset > c.skip.bytes) {
      const to = await c.skip.fromFile(from, fromOffset, until)
      if (to === null) return false
      from = to
    }
    let more = fromOffset < until.offset && from !== until.cursor
    while (more) {
      const r = await src.readAfter(from, until, hub.opts.maxEventBytes)
      if (c.closed || 'stale' in r) return false
      if (r.lines.length > 0) {
        c.send(encodeEvent('update', { lines: texts(r.lines) }, r.last), r.lines.length, r.last)
      }
      if (r.more && r.last === from) {
        throw Object.assign(new Error(`no progress reading ${src.path} after ${from}`), {
          code: 'E_NO_PROGRESS',
          path: src.path,
        })
      }
      from = r.last
      more = r.more
      // Respect the client's pace: the next page waits until this one has drained.
      if (more) await c.drained()
      if (c.closed) return false
    }
    if (!c.overflowed) {
      c.goLive()
      return true
    }
    // The live queue overflowed meanwhile: what it held is in the file, read on to the new head.
    const next = handOver(hub, c)
    if (next.gen !== until.gen) return false
    until = next
    const check = await src.check(from)
    if (c.closed || !check.ok) return false
    fromOffset = check.offset
  }
}
