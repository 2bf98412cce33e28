/**
 * @module The SSE connection to /events. We own reconnection instead of leaving it to EventSource so the
 * page can show a countdown, back off, recover from HTTP errors (where EventSource gives up), and
 * resume from the cursor of the last event applied: `lastEventId` in the query is what the
 * contract accepts in place of the Last-Event-ID header.
 */
import type { InitEvent, SkippedEvent } from '../../src/core/protocol.js'
import type { Api } from './api.js'
import type { EventSourceLike } from './fetch-event-source.js'
import { tagLines } from './file-tag.js'

export type ConnState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'stopped'

export interface ConnStatus {
  state: ConnState
  /** Seconds until the next attempt while reconnecting/offline. */
  retryIn?: number
  /** Why the last attempt failed, when the server said (an `event: error`). */
  message?: string
}

export interface ConnHandlers {
  init(ev: InitEvent, cursor: string | undefined): void
  update(lines: string[], cursor: string | undefined): void
  /** The server skipped ahead (we asked with `skip`): one range instead of its lines. */
  skipped(ev: SkippedEvent, cursor: string | undefined): void
  /**
   * rotate, truncate, dropped: gap markers; `reset` is announced here before the new init;
   * `state`: what the path names now (missing, error, following).
   */
  notice(type: string, data: Record<string, unknown>, id: string | undefined): void
  status(s: ConnStatus): void
}

const BACKOFF = [500, 1000, 2000, 4000, 8000, 15000, 30000]
const OFFLINE_AFTER = 4

/** What the app drives: this connection in the page, or the same one in the stream worker. */
export interface Stream {
  /** Where the stream is parsed: the page's main thread or the stream worker. */
  readonly where: 'page' | 'worker'
  start(cursor?: string): void
  stop(): void
  reconnectNow(): void
  /** The page applied some of what it received: a stream with flow control may send more. */
  topUp?(): void
}

/** Opens the stream of one file; `skip` is asked on each connect. */
export type StreamFactory = (
  file: string | undefined,
  h: ConnHandlers,
  skip: () => number
) => Stream

export class Connection implements Stream {
  readonly where = 'page'
  /** Cursor of the last event received: where a reconnect resumes. */
  cursor: string | undefined
  private es: EventSourceLike | undefined
  private failures = 0
  private timer: number | undefined
  private tick: number | undefined
  private serverMessage: string | undefined
  private stopped = true

  constructor(
    private readonly api: Api,
    private readonly file: string | undefined,
    private readonly h: ConnHandlers,
    /** Lines in the init event (`?lines=` on the page); the server's default otherwise. */
    private readonly initLines?: number,
    /** Bytes behind the newest data past which the server skips ahead; asked on each connect. */
    private readonly skip?: () => number,
    /** How the stream is read: EventSource in the page, a gated fetch in the stream worker. */
    private readonly source: (url: string) => EventSourceLike = (url) => new EventSource(url)
  ) {}

  // Back online: retry now rather than wait out the backoff.
  private readonly onOnline = () => this.failures && this.reconnectNow()

  /** Opens the stream; with a cursor, resumes after it (no init), else starts with init. */
  start(cursor?: string): void {
    this.close()
    this.stopped = false
    this.cursor = cursor
    addEventListener('online', this.onOnline)
    this.open()
  }

  stop(): void {
    this.stopped = true
    this.close()
    removeEventListener('online', this.onOnline)
    this.h.status({ state: 'stopped' })
  }

  reconnectNow(): void {
    if (this.stopped) return
    this.close()
    this.open()
  }

  private open(): void {
    this.h.status({ state: this.failures ? 'reconnecting' : 'connecting' })
    const es = this.source(
      this.api.url('events', {
        file: this.file,
        lastEventId: this.cursor,
        lines: this.cursor ? undefined : this.initLines,
        skip: this.skip?.(),
      })
    )
    this.es = es
    es.onopen = () => {
      this.failures = 0
      this.serverMessage = undefined
      this.h.status({ state: 'live' })
    }
    const on = (type: string, fn: (d: Record<string, unknown>, id: string | undefined) => void) =>
      es.addEventListener(type, (ev) => {
        if (this.es !== es) return
        const m = ev as MessageEvent<string>
        const id = m.lastEventId || undefined
        fn(parse(m.data), id)
        if (id) this.cursor = id
      })
    on('init', (d, id) => this.h.init(initEvent(d, id), id))
    // The merged view's updates say which file each line is from (file-tag.ts).
    on('update', (d, id) => this.h.update(d.files ? tagLines(lines(d), d.files) : lines(d), id))
    on('skipped', (d, id) => {
      // One file's skip in the merged view: its range is that file's, shown as its gap.
      if (typeof d.file === 'string') return this.h.notice('skipped', d, id)
      const ev = skippedEvent(d, id)
      if (ev) this.h.skipped(ev, id)
    })
    // `state` (missing, error, following) rides with the gaps, in order with the lines.
    for (const t of ['rotate', 'truncate', 'reset', 'dropped', 'state'])
      on(t, (d, id) => this.h.notice(t, d, id))
    // Server-sent `event: error` (e.g. too many clients) and transport errors share this name.
    es.addEventListener('error', (ev) => {
      if (this.es !== es) return
      const data = (ev as MessageEvent).data
      if (typeof data === 'string') this.serverMessage = String(parse(data).message ?? data)
      else this.retry()
    })
  }

  private retry(): void {
    this.close()
    if (this.stopped) return
    const delay =
      (BACKOFF[Math.min(this.failures, BACKOFF.length - 1)] as number) * (0.8 + Math.random() * 0.4)
    this.failures++
    const due = Date.now() + delay
    const state: ConnState =
      !navigator.onLine || this.failures > OFFLINE_AFTER ? 'offline' : 'reconnecting'
    const report = () =>
      this.h.status({
        state,
        retryIn: Math.max(0, Math.ceil((due - Date.now()) / 1000)),
        message: this.serverMessage,
      })
    report()
    // Global timers, not window's: the connection also runs in the stream worker.
    this.tick = setInterval(report, 1000) as unknown as number
    this.timer = setTimeout(() => this.reconnectNow(), delay) as unknown as number
  }

  private close(): void {
    this.es?.close()
    this.es = undefined
    clearTimeout(this.timer)
    clearInterval(this.tick)
  }
}

function parse(data: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(data)
    return v && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : { value: v }
  } catch {
    return { message: data }
  }
}

function lines(d: Record<string, unknown>): string[] {
  const l = d.lines
  if (!Array.isArray(l)) return []
  return l.every((x) => typeof x === 'string') ? (l as string[]) : l.map(String)
}

/** An init as the contract declares it; `first` falls back to the id for older servers. */
function initEvent(d: Record<string, unknown>, id: string | undefined): InitEvent {
  const ev: InitEvent = {
    file: String(d.file ?? ''),
    lines: lines(d),
    first: typeof d.first === 'string' ? d.first : '',
  }
  if (d.more === true) ev.more = true
  if (!ev.first && ev.lines.length === 0 && id) ev.first = id
  return ev
}

function skippedEvent(
  d: Record<string, unknown>,
  id: string | undefined
): SkippedEvent | undefined {
  const bytes = Number(d.bytes)
  if (typeof d.from !== 'string' || !Number.isFinite(bytes)) return undefined
  return { from: d.from, to: typeof d.to === 'string' ? d.to : (id ?? ''), bytes }
}
