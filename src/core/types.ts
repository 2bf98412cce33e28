/**
 * @module Types of the follower: what it emits and how consumers read history through it.
 */

/** One line of the log. Text is decoded per line; invalid UTF-8 becomes U+FFFD. */
export interface LogLine {
  /** The line without its '\n' (and without a '\r' right before it). */
  text: string
  /** Byte offset of the first byte of this line (or piece) in its file. */
  offset: number
  /**
   * Set when the line was longer than maxLineBytes: this is one piece of it and the next LogLine
   * continues it. The last piece of a long line has no `cont`.
   */
  cont?: true
  /** Set when the file ended (rotated away, deleted, follower closed) before this line's '\n'. */
  partial?: true
}

export type BackendName = 'inotify' | 'kqueue' | 'poll'

export interface BackendInfo {
  backend: BackendName
  /** Why we poll (for example 'forced', 'no-native-addon: ...', 'remote-fs:nfs', 'ENOSPC'). */
  reason?: string
}

export type FollowerState = 'starting' | 'following' | 'missing' | 'error' | 'closed'

export type FollowEvent =
  /**
   * New complete lines. `cursor` is where a consumer resumes after this batch: the cursor at `end`
   * in the file the lines came from. Lines a writer still appended to a rotated-away file after
   * the switch carry `previous: true`; their cursors point into that old file (unique, but not
   * resumable from disk once it is gone).
   */
  | { type: 'lines'; lines: LogLine[]; start: number; end: number; cursor: string; previous?: true }
  /** The path now names another file; following it from offset 0 (cursor is that point). */
  | { type: 'rotated'; reason: 'renamed' | 'replaced' | 'recreated'; cursor: string }
  /**
   * The file got shorter than our offset, or the bytes before our offset changed. 'gap' (Redis
   * edges only): lines between oldOffset and size are not in the stream (trimmed, lost by Redis,
   * or the watcher could not re-read them); following on from `cursor`.
   */
  | {
      type: 'truncated'
      reason: 'size' | 'marker' | 'gap'
      oldOffset: number
      size: number
      cursor: string
    }
  | { type: 'missing'; path: string }
  | { type: 'appeared'; path: string; cursor: string }
  | ({ type: 'backend' } & BackendInfo)
  | { type: 'error'; code: string; path: string; message: string; syscall?: string }

/** What the follower says about a cursor it was handed back. */
export type CursorCheck =
  { ok: true; offset: number } | { ok: false; reason: 'malformed' | 'stale' | 'ahead' }

export interface LinesResult {
  lines: LogLine[]
  /** Cursor at the first byte of lines[0] (or of the range when it is empty). */
  first: string
  /** Cursor just past the last line returned. */
  last: string
  /** True when the scan stopped at a byte limit and older/newer lines may exist beyond it. */
  more: boolean
}
