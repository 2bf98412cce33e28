/**
 * @module LogSource: what the HTTP app needs from a followed file.
 *
 * The embedded server implements it with a local Follower; a Redis edge implements it from a
 * Redis stream. Web-standard types only, so the app core runs on Node, Bun and Deno.
 */
import type { ByteRangeReader } from './byte-range.js'
import type { BackendInfo, CursorCheck, FollowEvent, FollowerState, LinesResult } from './types.js'

/** A point in the file history: generation (process-local, bumped on rotation/truncation) + offset. */
export interface Position {
  gen: number
  offset: number
  /** Opaque, resumable cursor for that point (what becomes the SSE id). */
  cursor: string
}

/** Returns a promise to hold back reading until the event has been taken out. */
export type SourceListener = (e: FollowEvent) => void | PromiseLike<unknown>

export type Stale = {
  stale: true
  reason: 'malformed' | 'stale' | 'ahead' | 'gone'
  /**
   * Set by a source that holds only the recent part of a file (a Redis edge: the stream is
   * trimmed): the bytes asked for are older than what it holds. `watcher` is where they can be
   * read instead (the watcher's own base URL), when one was published.
   */
  notHeld?: { watcher: string | null }
}

export interface LogSource {
  /** Stable id used in URLs (?file=ID). Never a path. */
  readonly id: string
  /** The path as given on the command line (shown to users, never accepted from them). */
  readonly path: string
  info(): { size: number; state: FollowerState; backend: BackendInfo }
  /**
   * Live events, delivered synchronously in order. A 'lines' event emitted after position() was
   * called always starts at (or after) that position, so subscribe + position() in the same tick
   * gives a gap-free hand-over from history to live.
   *
   * Backpressure: a listener that returns a promise has not taken the event out yet. While such
   * promises are unsettled the source reads ahead by a bounded number of batches at most, then
   * stops reading until they settle: the data waits in the file (or the stream), not in memory.
   */
  subscribe(listener: SourceListener): () => void
  /** The committed position: just past the last line delivered to subscribers. */
  position(): Position
  /** Checks that a cursor still points into the current file at a line boundary we have delivered. */
  check(cursor: string): Promise<CursorCheck>
  /** The last `n` complete lines ending at `at` (a position taken earlier, same generation). */
  tail(n: number, at: Position, maxBytes?: number): Promise<LinesResult | Stale>
  /**
   * Lines from `cursor` up to `until` (exclusive), at most maxBytes of them; `more` tells the
   * caller to call again from `last`. Stale when the generation of `until` is no longer readable.
   */
  readAfter(cursor: string, until: Position, maxBytes: number): Promise<LinesResult | Stale>
  /** Up to `n` lines before `cursor` (scrollback), in file order. */
  readBefore(cursor: string, n: number, maxBytes: number): Promise<LinesResult | Stale>
  /** Raw bytes [from, to) of the current generation, for downloads. */
  openRange(from: number, to: number): Promise<ReadableStream<Uint8Array> | Stale>
  /**
   * Optional: the committed history of the current generation as raw bytes, for search and jump
   * to a time at memory speed. Sources without raw bytes (a Redis edge) leave it out, and
   * search falls back to reading lines through readBefore.
   */
  history?(): ByteRangeReader | Stale
  /**
   * Optional: the rotated past (logrotate siblings such as `app.log.1`, `app.log.2.gz`), newest
   * first. readBefore and readAfter accept cursors into them (check does not: it answers for
   * the current file, which resume and downloads rely on); scrollback and search walk them in
   * turn, oldest last. Sources without siblings (a Redis edge) leave it out.
   */
  archives?(): Promise<ArchiveEntry[]>
}

/** One rotated sibling, not opened yet (opening a compressed one may index it first). */
export interface ArchiveEntry {
  /** The sibling's file name, what its lines and matches name as `source`. */
  readonly name: string
  /** Its identity (as in its cursors): a replaced or rewritten sibling has another. */
  readonly id: string
  /**
   * Opens it. A compressed sibling is indexed first, `budget` bytes of it per call at most
   * (default: all): until that is done, `Indexing` says how far it got.
   */
  open(budget?: number): Promise<ArchiveRun | Stale | Indexing>
}

/** A compressed sibling not indexed yet: call open() again to go on. */
export interface Indexing {
  indexing: true
  name: string
  /** Uncompressed bytes indexed so far. */
  indexed: number
}

/** A sibling's bytes (decompressed), read like the current file's history. */
export interface ArchiveRun extends ByteRangeReader {
  readonly name: string
  readonly id: string
}
