/**
 * @module EdgeSource: a LogSource fed by a file's Redis stream instead of the file itself.
 *
 * Live state is a LiveStream (live.ts); history comes from the ring of the current epoch, then
 * XRANGE (history.ts). Like a FileSource, only cursors of the current generation resume. Byte
 * ranges (downloads) are rebuilt from the stream's lines where that is exact (download.ts).
 */
import type { LogSource, Position, SourceListener, Stale } from '../../core/log-source.js'
import type { CursorCheck, FollowerState, LinesResult } from '../../core/types.js'
import type { RedisClient } from '../conn.js'
import type { FileMeta } from '../meta.js'
import { offsetOf } from '../protocol.js'
import { openStreamRange } from './download.js'
import { readBackward, readForward } from './history.js'
import { LiveStream } from './live.js'
import { locate, stale, type EntryStore } from './points.js'

export { EdgeStats, type ReaderState } from './live.js'

const DEFAULT_MAX_BYTES = 8 * 1024 * 1024

export class EdgeSource implements LogSource, EntryStore {
  readonly live: LiveStream
  meta: FileMeta | null = null
  /** Edge clock when the watcher's heartbeat last changed (no cross-host clock comparison). */
  private beatSeen = 0

  constructor(
    readonly id: string,
    readonly path: string,
    readonly key: string,
    private readonly lookupClient: RedisClient,
    ring: { entries?: number; bytes?: number } = {},
    private readonly now: () => number = Date.now
  ) {
    this.live = new LiveStream(path, ring)
  }

  get stats() {
    return this.live.stats
  }

  get ring() {
    return this.live.ring
  }

  lookup(): RedisClient {
    return this.lookupClient
  }

  subscribe(listener: SourceListener): () => void {
    return this.live.listeners.add(listener)
  }

  position(): Position {
    return { ...this.live.head }
  }

  setMeta(m: FileMeta | null): void {
    if (!m) return
    if (m.hb !== this.meta?.hb) this.beatSeen = this.now()
    this.meta = m
  }

  /** Milliseconds since the watcher's heartbeat last moved (null before any). */
  heartbeatAge(): number | null {
    return this.beatSeen ? this.now() - this.beatSeen : null
  }

  /** The watcher's state, unless Redis or the watcher's heartbeat is gone ('error'). */
  info(): ReturnType<LogSource['info']> {
    const m = this.meta
    const reader = this.stats.reader
    const alive = m !== null && this.now() - this.beatSeen < 3 * m.heartbeatMs + 2000
    let state: FollowerState = m?.state ?? 'starting'
    if (m && (reader !== 'live' || !alive)) state = 'error'
    const why = reader !== 'live' ? `redis ${reader}` : alive ? 'via redis' : 'watcher silent'
    return {
      // Both watcher clocks: the newer of metadata and stream tells the size.
      size: m && m.hb >= this.stats.lastWatcherTime ? m.size : this.live.head.offset,
      state,
      backend: { backend: m?.backend ?? 'poll', reason: m?.reason ? `${why}; ${m.reason}` : why },
    }
  }

  async check(cursor: string): Promise<CursorCheck> {
    const h = this.live.head
    const r = await locate(this, h.gen, cursor, h.offset)
    if ('stale' in r) return { ok: false, reason: r.reason === 'gone' ? 'stale' : r.reason }
    return { ok: true, offset: offsetOf(cursor) }
  }

  tail(n: number, at: Position, maxBytes = DEFAULT_MAX_BYTES): Promise<LinesResult | Stale> {
    return readBackward(this, at.gen, at.cursor, at.offset, n, maxBytes)
  }

  readAfter(cursor: string, until: Position, maxBytes: number): Promise<LinesResult | Stale> {
    return readForward(this, cursor, until, maxBytes)
  }

  readBefore(cursor: string, n: number, maxBytes: number): Promise<LinesResult | Stale> {
    const h = this.live.head
    return readBackward(this, h.gen, cursor, h.offset, n, maxBytes)
  }

  openRange(from: number, to: number): Promise<ReadableStream<Uint8Array> | Stale> {
    const h = this.live.head
    if (to > h.offset) return Promise.resolve(stale('ahead'))
    const watcher = this.meta?.watcher || null
    return openStreamRange(this, h.gen, from, to).then((r) =>
      'stale' in r && r.reason === 'gone' ? { ...r, notHeld: { watcher } } : r
    )
  }
}
