/**
 * @module Broadcaster: one subscription per LogSource, fanned out to every SSE client.
 *
 * Everything the source delivers before the next flush becomes one payload, encoded once and
 * written to each client in a single write (the cost is per write per socket, not per byte).
 * Reading is paced by the clients: the promise returned for each batch settles once the batch
 * was flushed and one pacing client has room again (or none is left), so the source reads as
 * fast as the fastest live client and the rest of a burst waits in the file, not in memory. A
 * client never delays the others: past its queue bound or drain timeout it is dropped (or, if
 * it asked to, skips ahead) and resumes losslessly from its cursor.
 */
import type { LogSource, Position } from '../core/log-source.js'
import type { FollowEvent } from '../core/types.js'
import { joinClient, type JoinOptions } from './client-join.js'
import { ClientStream } from './client-stream.js'
import { FanOut, type WriteBatch } from './fan-out.js'
import { FrameRing, type Frame } from './frame-ring.js'
import { Metrics, type FileCounters } from './metrics.js'
import { addEvent, type Pending } from './pending-events.js'
import { Pacer } from './pacer.js'
import type { SseSink } from './sink.js'
import { FileState } from './file-state.js'
import { concat, encodeEvent } from './sse-frame.js'
import type { Flush, StreamHub, StreamOptions } from './stream-hub.js'

export interface BroadcasterOptions extends Partial<StreamOptions> {
  ringFrames?: number
  ringBytes?: number
  /** Longest rest between flushes (a rest lasts as long as the previous flush took). */
  maxPaceMs?: number
  /** Clients written between two turns of the event loop (fan-out.ts). */
  sliceClients?: number
  metrics?: Metrics
  /** Where the writes of a fan-out slice can be made at once (the Node adapter's send batch). */
  writeBatch?: WriteBatch
  /** Runs the flush after the current I/O turn (setImmediate on Node). */
  schedule?: (fn: () => void) => void
  now?: () => number
  onError?: (err: unknown) => void
}

export interface AttachOptions extends JoinOptions {
  /** Skip ahead instead of being dropped when this many bytes behind (`?skip=`). */
  skip?: number
}

export const DEFAULT_EVENT_BYTES = 256 * 1024

const DEFAULTS = {
  maxQueueBytes: 1024 * 1024,
  drainTimeoutMs: 10_000,
  heartbeatMs: 15_000,
  retryMs: 2_000,
  retrySpreadMs: 3_000,
  closeGraceMs: 1_000,
  maxEventBytes: DEFAULT_EVENT_BYTES,
  lowWaterBytes: 64 * 1024,
  skipSettleMs: 1000,
  ringFrames: 4096,
  ringBytes: 8 * 1024 * 1024,
  maxPaceMs: 20,
  sliceClients: 500,
}

const EMPTY = new Uint8Array(0)

export class Broadcaster implements StreamHub {
  readonly opts: typeof DEFAULTS
  readonly ring: FrameRing
  readonly metrics: Metrics
  readonly counters: FileCounters
  readonly fileState: FileState
  readonly now: () => number
  readonly onError: (err: unknown) => void
  /** The id of the newest frame sent: a client at this cursor is up to date. */
  headId: string
  headAt: string
  #clients = new Set<ClientStream>()
  #pending: Pending[] = []
  #pacer: Pacer
  #fanOut: FanOut
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
    this.fileState = new FileState(source)
    this.now = options.now ?? Date.now
    this.onError = options.onError ?? ((err) => console.error(err))
    const g = globalThis as { setImmediate?: (fn: () => void) => void }
    const schedule = options.schedule ?? g.setImmediate ?? ((fn) => setTimeout(fn, 0))
    this.#pacer = new Pacer(schedule, o.maxPaceMs, this.metrics, {
      flush: () => this.flush(),
      room: () => this.#room(),
    })
    this.#fanOut = new FanOut(
      () => this.#clients,
      o.sliceClients,
      o.maxEventBytes,
      schedule,
      (t0) => this.#pacer.flushed(t0),
      options.writeBatch
    )
    this.#unsubscribe = source.subscribe((e) => this.#onEvent(e))
    this.headId = this.headAt = source.position().cursor
    this.#timer = setInterval(() => this.#sweep(), Math.min(1000, o.drainTimeoutMs / 2))
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  get size(): number {
    return this.#clients.size
  }

  /** Streams to a new client: resume from the ring or the file, or `init` with the last lines. */
  attach(sink: SseSink, opts: AttachOptions): ClientStream {
    // Deliver what is pending first, so the hand-over point is the source's current position.
    this.flush()
    const c = new ClientStream(this, sink, opts.skip)
    this.#fanOut.joined(c)
    this.#clients.add(c)
    this.counters.clients++
    joinClient(this, c, opts)
    return c
  }

  handOver(c: ClientStream): Position {
    this.flush()
    this.#fanOut.joined(c)
    return this.source.position()
  }

  unread(): number {
    return Math.max(0, this.source.info().size - this.source.position().offset)
  }

  paced(fromRoom: boolean): void {
    this.#pacer.release(fromRoom)
  }

  removed(c: object): void {
    if (!this.#clients.delete(c as ClientStream)) return
    this.counters.clients--
    this.#pacer.release(false)
  }

  /**
   * Makes one flush of everything pending (also before a client attaches, so the hand-over
   * point is the source's position) and sends it: at once, or in the round under way.
   */
  flush(): void {
    if (this.#pending.length > 0) this.#fanOut.add(this.#encode())
    this.#fanOut.run()
    // A round under way takes this flush to the clients it has not reached. The reader may read
    // on meanwhile, while what rounds owe is under one event's budget: the file holds the rest.
    const fan = this.#fanOut
    if (fan.writing && fan.backlog < this.opts.maxEventBytes) this.#pacer.early()
  }

  #encode(): Flush {
    const pending = this.#pending
    this.#pending = []
    // Clients may hold the current head as a cursor without any frame carrying it (the id of an
    // init): an empty marker frame lets them resume from the ring too.
    if (this.ring.newestId !== this.headId) {
      this.ring.push({ id: this.headId, bytes: EMPTY, lines: 0, lineBytes: 0 })
    }
    const firstSeq = this.ring.nextSeq
    const frames: Frame[] = []
    let lines = 0
    let lineBytes = 0
    for (const p of pending) {
      const f: Frame = {
        id: p.id,
        bytes: encodeEvent(p.event, p.data as never, p.id),
        lines: p.lines,
        lineBytes: p.bytes,
      }
      if (p.start !== undefined) {
        f.start = p.start
        this.headAt = p.start
      } else if (p.event === 'update' && p.data.previous) f.previous = true
      // A state event has no position of its own: the head stays where the lines are.
      else if (p.event !== 'state') this.headAt = p.id
      frames.push(f)
      this.ring.push(f)
      lines += p.lines
      lineBytes += p.bytes
    }
    this.headId = (frames[frames.length - 1] as Frame).id
    return {
      payload: concat(frames.map((f) => f.bytes)),
      frames,
      firstSeq,
      lines,
      lineBytes,
      headId: this.headId,
      headAt: this.headAt,
    }
  }

  /** Ends every stream after one last event written past the queues (a file no longer served). */
  closeWith(event: Uint8Array): void {
    this.flush()
    this.#fanOut.finish()
    for (const c of this.#clients) if (!c.closed) c.sink.write(event)
    this.close()
  }

  /** Ends every stream (graceful shutdown) and stops following. */
  close(): void {
    this.flush()
    this.#fanOut.finish()
    clearInterval(this.#timer)
    this.#unsubscribe()
    for (const c of [...this.#clients]) c.end()
    this.#pacer.close()
  }

  #onEvent(e: FollowEvent): void | Promise<void> {
    this.fileState.observe(e)
    const prevId = this.#pending[this.#pending.length - 1]?.id ?? this.headId
    if (!addEvent(this.#pending, e, this.counters, prevId, this.opts.maxEventBytes)) return
    return this.#pacer.added(e.type === 'lines')
  }

  /** Whether the reader may go on: a pacing client has room, or no client paces at all. */
  #room(): boolean {
    let pacing = false
    for (const c of this.#clients) {
      if (!c.paces) continue
      if (c.hasRoom) return true
      pacing = true
    }
    return !pacing
  }

  #sweep(): void {
    const now = this.now()
    for (const c of [...this.#clients]) c.sweep(now)
    this.#pacer.release(false)
  }
}
