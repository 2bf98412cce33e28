/**
 * @module The shapes the merged view's modules share (types only), so merged-stream.ts and
 * merged-input.ts see each other through these and neither imports the other's class.
 */
import type { AttachOptions } from './broadcaster.js'
import type { MergeOptions } from './merge-queue.js'
import type { SseSink } from './sink.js'

/** What the merge needs of a file's client stream (client-stream.ts). */
export interface InnerStream {
  readonly live: boolean
  readonly closed: boolean
}

export interface MergedHub {
  attach(sink: SseSink, opts: AttachOptions): InnerStream
}

export interface MergedFile {
  id: string
  hub: MergedHub
  lines: number
}

export interface MergedOptions extends MergeOptions {
  maxEventBytes: number
  lowWaterBytes: number
  /** A client that has not drained for this long is dropped (client-stream.ts's rule). */
  drainTimeoutMs: number
  heartbeatMs: number
  retryMs: number
  retrySpreadMs: number
  /** How often held lines are looked at again. */
  tickMs: number
  now(): number
}

/** What a file's part of a merged client sees of the merged client. */
export interface MergedHost {
  readonly closed: boolean
  readonly lagging: boolean
  readonly outer: SseSink
  readonly o: { lowWaterBytes: number; now(): number }
  received(): void
  idle(): void
  dropped(data: Record<string, unknown>): void
  inputEnded(): void
}
