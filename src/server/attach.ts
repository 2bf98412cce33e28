/**
 * @module How a new SSE client joins a broadcaster: resume from the ring, catch up from the
 * file, or start with `init`.
 *
 * The hand-over is gap-free because it is synchronous: pending events are flushed, the client's
 * queue is emptied and source.position() is taken in one tick. Every later event reaches the
 * client's queue, which is written right after the history read up to that position.
 */
import type { Position } from '../core/log-source.js'
import type { AttachOptions, Broadcaster, Client } from './broadcaster.js'
import { concat, encodeEvent, encodeRetry, isValidId, texts } from './sse-frame.js'

export function attachClient(b: Broadcaster, c: Client, opts: AttachOptions): void {
  b.send(c, encodeRetry(b.opts.retryMs, b.opts.retrySpreadMs), 0)
  const cursor = opts.cursor
  if (cursor !== undefined) {
    if (cursor === b.headId) {
      c.lastId = cursor
      return b.goLive(c)
    }
    const missed = b.ring.after(cursor)
    if (missed) {
      c.live = true
      return b.send(c, missed, 0, b.headId)
    }
  }
  resume(b, c, opts).catch((err: unknown) => {
    b.onError(err)
    b.end(c)
  })
}

async function resume(b: Broadcaster, c: Client, opts: AttachOptions): Promise<void> {
  let reset: Uint8Array | undefined
  if (opts.cursor !== undefined) {
    const until = handOver(b, c)
    const check = isValidId(opts.cursor)
      ? await b.source.check(opts.cursor)
      : ({ ok: false, reason: 'malformed' } as const)
    if (c.closed) return
    let reason: string = check.ok ? 'stale' : check.reason
    if (check.ok) {
      b.counters.catchUps++
      const done = await catchUp(b, c, opts.cursor, until)
      if (c.closed) return
      if (done) return b.goLive(c)
      reason = 'stale' // the file rotated away while we were reading it
    }
    b.counters.resets++
    reset = encodeEvent('reset', { reason }, until.cursor)
  }
  for (let attempt = 0; ; attempt++) {
    const at = handOver(b, c)
    const r = await b.source.tail(opts.lines, at, b.opts.maxInitBytes)
    if (c.closed) return
    if ('stale' in r) {
      // Rotated between position() and the read: take the new position.
      if (attempt < 3) continue
      throw Object.assign(new Error(`cannot read the tail of ${b.source.path}: ${r.reason}`), {
        code: 'E_TAIL_STALE',
        path: b.source.path,
      })
    }
    const init = encodeEvent('init', { file: b.source.id, lines: texts(r.lines) }, at.cursor)
    if (reset) b.send(c, concat([reset, init]), r.lines.length, at.cursor)
    else b.send(c, init, r.lines.length, at.cursor)
    return b.goLive(c)
  }
}

/** Flushes pending events, empties the client's queue and returns the hand-over position. */
function handOver(b: Broadcaster, c: Client): Position {
  b.flush()
  c.queue = []
  c.queued = 0
  return b.source.position()
}

/** Writes every line after `cursor` up to `until`; false if that history is gone. */
async function catchUp(b: Broadcaster, c: Client, cursor: string, until: Position) {
  let from = cursor
  for (;;) {
    const r = await b.source.readAfter(from, until, b.opts.catchUpPageBytes)
    if (c.closed) return false
    if ('stale' in r) return false
    if (r.lines.length > 0) {
      b.send(c, encodeEvent('update', { lines: texts(r.lines) }, r.last), r.lines.length, r.last)
    }
    if (!r.more) return true
    if (r.last === from) {
      throw Object.assign(new Error(`no progress reading ${b.source.path} after ${from}`), {
        code: 'E_NO_PROGRESS',
        path: b.source.path,
      })
    }
    from = r.last
    // Respect the client's pace: the next page waits until this one has drained.
    if (c.lagSince !== 0 && !c.closed) await new Promise<void>((r) => (c.wake = r))
    c.wake = null
    if (c.closed) return false
  }
}
