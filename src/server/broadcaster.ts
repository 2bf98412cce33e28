/**
 * @module Broadcaster: one subscription per LogSource, fanned out to every SSE client.
 *
 * Everything the source delivers before the next flush becomes one payload, encoded once and
 * written to each client in a single write (the cost is per write per socket, not per byte;
 * see docs/http.md). A client never delays the others: past its queue bound or drain timeout it
 * gets `dropped` and is disconnected, and resumes losslessly from its cursor.
 */
import type { LogSource } from '../core/log-source.js'
import type { FollowEvent } from '../core/types.js'
import { attachClient } from './attach.js'
import { FrameRing, type Frame } from './frame-ring.js'
import { Metrics, type FileCounters } from './metrics.js'
import type { SseSink } from './sink.js'
import { addEvent, type Pending } from './pending-events.js'
import { concat, encodeEvent, HEARTBEAT } from './sse-frame.js'

export interface BroadcasterOptions {
  /** A client whose unsent bytes exceed this is dropped (default 1 MiB). */
  maxQueueBytes?: number
  /** A client that has not drained within this many ms of falling behind is dropped. */
  drainTimeoutMs?: number
  heartbeatMs?: number
  /** `retry:` sent to each client: retryMs plus a random part up to retrySpreadMs. */
  retryMs?: number
  retrySpreadMs?: number
  ringFrames?: number
  ringBytes?: number
  /** Bytes per LogSource.readAfter page when a client catches up from the file. */
  catchUpPageBytes?: number
  /** Byte cap for the last-N-lines read of `init`. */
  maxInitBytes?: number
  /** How long an ended stream may take to flush before it is destroyed. */
  closeGraceMs?: number
  /** Longest rest between flushes (a rest lasts as long as the previous flush took). */
  maxPaceMs?: number
  metrics?: Metrics
  /** Runs the flush after the current I/O turn (setImmediate on Node). */
  schedule?: (fn: () => void) => void
  now?: () => number
  onError?: (err: unknown) => void
}

export interface Client {
  sink: SseSink
  /** Live clients get every flush; others queue flushes until their catch-up has been written. */
  live: boolean
  closed: boolean
  queue: Uint8Array[]
  queued: number
  lagSince: number
  lastWrite: number
  lastId: string
  /** Resolves a catch-up waiting for the client to drain (or to go away). */
  wake: (() => void) | null
}

export interface AttachOptions {
  /** Lines in `init` (ignored when resuming). */
  lines: number
  /** Last-Event-ID: resume after it. */
  cursor?: string
}

const DEFAULTS = {
  maxQueueBytes: 1024 * 1024,
  drainTimeoutMs: 10_000,
  heartbeatMs: 15_000,
  retryMs: 2_000,
  retrySpreadMs: 3_000,
  ringFrames: 4096,
  ringBytes: 8 * 1024 * 1024,
  catchUpPageBytes: 256 * 1024,
  maxInitBytes: 8 * 1024 * 1024,
  closeGraceMs: 1_000,
  maxPaceMs: 20,
}

const EMPTY = new Uint8Array(0)

export class Broadcaster {
  readonly opts: typeof DEFAULTS
  readonly ring: FrameRing
  readonly metrics: Metrics
  readonly counters: FileCounters
  readonly clients = new Set<Client>()
  /** The id of the newest frame sent: a client at this cursor is up to date. */
  headId: string
  readonly now: () => number
  readonly onError: (err: unknown) => void
  #pending: Pending[] = []
  #scheduled = false
  #nextFlushAt = 0
  #schedule: (fn: () => void) => void
  #unsubscribe: () => void
  #timer: ReturnType<typeof setInterval>

  constructor(
    readonly source: LogSource,
    options: BroadcasterOptions = {}
  ) {
    const o = { ...DEFAULTS }
    for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
      if (options[k] !== undefined) o[k] = options[k]
    }
    this.opts = o
    this.ring = new FrameRing(o.ringFrames, o.ringBytes)
    this.metrics = options.metrics ?? new Metrics()
    this.counters = this.metrics.file(source.id)
    this.now = options.now ?? Date.now
    this.onError = options.onError ?? ((err) => console.error(err))
    const g = globalThis as { setImmediate?: (fn: () => void) => void }
    this.#schedule = options.schedule ?? g.setImmediate ?? ((fn) => setTimeout(fn, 0))
    this.#unsubscribe = source.subscribe((e) => this.#onEvent(e))
    this.headId = source.position().cursor
    this.#timer = setInterval(() => this.#sweep(), Math.min(1000, o.drainTimeoutMs / 2))
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  get size(): number {
    return this.clients.size
  }

  /** Streams to a new client: resume from the ring or the file, or `init` with the last lines. */
  attach(sink: SseSink, opts: AttachOptions): Client {
    // Deliver what is pending first, so the hand-over point is the source's current position.
    this.flush()
    const c: Client = {
      sink,
      live: false,
      closed: false,
      queue: [],
      queued: 0,
      lagSince: 0,
      lastWrite: this.now(),
      lastId: '',
      wake: null,
    }
    this.clients.add(c)
    this.counters.clients++
    sink.onClose(() => this.#remove(c))
    sink.onDrain(() => {
      c.lagSince = 0
      c.wake?.()
    })
    attachClient(this, c, opts)
    return c
  }

  /** Writes to one client, dropping it instead if it is too far behind. */
  send(c: Client, bytes: Uint8Array, lines: number, id?: string): void {
    if (c.closed) return
    if (c.sink.bufferedBytes > this.opts.maxQueueBytes) return this.drop(c, 'queue')
    if (id !== undefined) c.lastId = id
    c.lastWrite = this.now()
    this.metrics.bytesSent += bytes.byteLength
    this.metrics.linesSent += lines
    if (!c.sink.write(bytes) && c.lagSince === 0) c.lagSince = c.lastWrite
  }

  /** Turns a catching-up client live: its queued flushes go out in one write. */
  goLive(c: Client): void {
    if (c.closed) return
    const q = c.queue
    c.queue = []
    c.queued = 0
    c.live = true
    if (q.length) this.send(c, concat(q), 0, this.headId)
  }

  drop(c: Client, reason: 'queue' | 'drain'): void {
    if (c.closed) return
    this.metrics.dropped[reason]++
    const queued = c.sink.bufferedBytes + c.queued
    // The event goes past the bound on purpose: a slow reader still learns why it was cut off.
    // No id when this client was sent nothing yet: its browser then resumes from the cursor it
    // came with (EventSource keeps its last id), or starts afresh; never from our head, which
    // would skip what it had not been sent.
    c.sink.write(encodeEvent('dropped', { reason, queuedBytes: queued }, c.lastId || undefined))
    this.end(c)
  }

  /** Ends a client's stream; destroys it if it does not flush within closeGraceMs. */
  end(c: Client): void {
    if (c.closed) return
    this.#remove(c)
    c.sink.close()
    const t = setTimeout(() => c.sink.destroy(), this.opts.closeGraceMs)
    ;(t as { unref?: () => void }).unref?.()
  }

  /** Sends everything pending now (also called before a client attaches). */
  flush(): void {
    this.#scheduled = false
    if (this.#pending.length === 0) return
    const pending = this.#pending
    this.#pending = []
    const frames: Frame[] = []
    let lines = 0
    // Clients may hold the current head as a cursor without any frame carrying it (the id of an
    // init): an empty marker frame lets them resume from the ring too.
    if (this.ring.newestId !== this.headId) this.ring.push({ id: this.headId, bytes: EMPTY })
    for (const p of pending) {
      const f = { id: p.id, bytes: encodeEvent(p.event, p.data, p.id) }
      frames.push(f)
      this.ring.push(f)
      lines += p.lines
    }
    this.headId = (frames[frames.length - 1] as Frame).id
    const payload = concat(frames.map((f) => f.bytes))
    const t0 = performance.now()
    for (const c of this.clients) {
      if (c.live) this.send(c, payload, lines, this.headId)
      else {
        c.queue.push(payload)
        c.queued += payload.byteLength
        if (c.queued > this.opts.maxQueueBytes) this.drop(c, 'queue')
      }
    }
    // Node writes corked responses on the next tick: the flush is over once a macrotask runs.
    this.#schedule(() => {
      const end = performance.now()
      this.metrics.flushed(end - t0)
      // Pacing: rest as long as the flush took (capped), so lines that arrive meanwhile share
      // the next write instead of each costing one write per client.
      this.#nextFlushAt = end + Math.min(end - t0, this.opts.maxPaceMs)
    })
  }

  /** Ends every stream (graceful shutdown) and stops following. */
  close(): void {
    this.flush()
    clearInterval(this.#timer)
    this.#unsubscribe()
    for (const c of [...this.clients]) this.end(c)
  }

  #onEvent(e: FollowEvent): void {
    const prevId = this.#pending[this.#pending.length - 1]?.id ?? this.headId
    if (!addEvent(this.#pending, e, this.counters, prevId)) return
    if (!this.#scheduled) {
      this.#scheduled = true
      const wait = this.#nextFlushAt - performance.now()
      if (wait >= 1) setTimeout(() => this.flush(), wait)
      else this.#schedule(() => this.flush())
    }
  }

  #sweep(): void {
    const now = this.now()
    for (const c of this.clients) {
      if (c.lagSince !== 0 && now - c.lagSince > this.opts.drainTimeoutMs) this.drop(c, 'drain')
      else if (now - c.lastWrite >= this.opts.heartbeatMs && c.live) this.send(c, HEARTBEAT, 0)
    }
  }

  #remove(c: Client): void {
    if (c.closed) return
    c.closed = true
    c.queue = []
    c.wake?.()
    this.clients.delete(c)
    this.counters.clients--
  }
}
