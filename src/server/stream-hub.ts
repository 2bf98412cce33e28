/**
 * @module The narrow interface between the broadcaster and its per-client streams.
 *
 * Types only: the broadcaster implements StreamHub and hands each flush to every client as a
 * Flush; client-stream, client-join and skip-ahead see nothing else of it, so neither side
 * reaches into the other's state and no module imports the broadcaster back.
 */
import type { LogSource, Position } from '../core/log-source.js'
import type { StateEvent } from '../core/protocol.js'
import type { Frame, FrameRing } from './frame-ring.js'
import type { FileCounters, Metrics } from './metrics.js'

export interface StreamOptions {
  /** A client whose unsent bytes exceed this is dropped (a catching-up one re-reads instead). */
  maxQueueBytes: number
  /** A client that has not drained within this many ms of falling behind is dropped. */
  drainTimeoutMs: number
  heartbeatMs: number
  retryMs: number
  retrySpreadMs: number
  /** How long an ended stream may take to flush before it is destroyed. */
  closeGraceMs: number
  /** Line data per event: updates, catch-up pages, init, skip context. */
  maxEventBytes: number
  /** A client with fewer unsent bytes than this has room: the reader may go on for it. */
  lowWaterBytes: number
  /** How long a skipping client waits for the reader to near the head before it resumes. */
  skipSettleMs: number
}

/** One flush, encoded once and shared by every client. */
export interface Flush {
  payload: Uint8Array
  frames: readonly Frame[]
  /** Ring sequence number of frames[0]. */
  firstSeq: number
  lines: number
  lineBytes: number
  /** The id of the last frame: a client sent this flush is at this cursor. */
  headId: string
  /** Where the lines after this flush continue (a marker's id is a cursor of the file before). */
  headAt: string
}

export interface StreamHub {
  readonly source: LogSource
  readonly ring: FrameRing
  readonly opts: StreamOptions
  readonly metrics: Metrics
  readonly counters: FileCounters
  /** What the path names now (missing, error): told to each joining client first. */
  readonly fileState: { current(): StateEvent | undefined }
  /** The id of the newest frame sent, and where the lines after it continue. */
  readonly headId: string
  readonly headAt: string
  now(): number
  onError(err: unknown): void
  /** Flushes what is pending; every later event reaches `c`'s queue (and nothing before). */
  handOver(c: object): Position
  /** Bytes of the current file the reader has not delivered yet. */
  unread(): number
  /** The client drained, stopped pacing or left: the reader may be free to go on. */
  paced(fromRoom: boolean): void
  removed(c: object): void
}
