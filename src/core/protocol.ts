/**
 * @module The wire contract between the server and the viewer: SSE event payloads and the JSON of
 * the HTTP routes (README "HTTP API").
 *
 * Types only, no runtime code: `src/server` builds these shapes and `web/src` reads them, both
 * from this one declaration, so a renamed field fails the typecheck on both sides at once.
 * Cursors are opaque strings everywhere in it (made and parsed only by core/cursor.ts).
 */

/** Every SSE event name the server may send on /events. */
export type SseEventName =
  | 'init'
  | 'update'
  | 'rotate'
  | 'truncate'
  | 'reset'
  | 'dropped'
  | 'skipped'
  | 'error'
  | 'gone'
  | 'state'

/**
 * `init`: the last N lines; the event id is the hand-over point just after them. Like every
 * event it carries at most the event budget of line data: when the last N lines do not fit,
 * it carries the newest of them that do and says `more: true`; older lines are read with
 * `/api/lines?before=<first>`.
 */
export interface InitEvent {
  file: string
  lines: string[]
  /** Cursor at the start of lines[0] (the id when lines is empty). */
  first: string
  /** Fewer than N lines were sent because of the event budget. */
  more?: true
}

/**
 * The first screen the viewer's page carries (GET /, src/server/page-seed.ts): an init's
 * content and the cursor its lines end at, where the page resumes /events.
 */
export interface PageSeed {
  file: string
  lines: string[]
  /** Where the lines start (as the init's `first`). */
  first: string
  /** Where they end: the stream's Last-Event-ID. */
  cursor: string
  more?: true
  /** The file as /api/files lists it, for the footer before that list has come. */
  info: FileInfoJson
}

/** `update`: new lines, at most the event budget of line data (256 KiB by default). */
export interface UpdateEvent {
  lines: string[]
  /** Late lines of a file that was rotated away. */
  previous?: true
  /**
   * The merged view only (`/events?file=*`): the id of the file each line is from. Its gap
   * events (rotate, truncate, reset, skipped, state) carry `file` too, and every id there is
   * a merged cursor (core/merged-cursor.ts).
   */
  files?: string[]
}

export interface RotateEvent {
  reason: 'renamed' | 'replaced' | 'recreated' | 'appeared'
}

export interface TruncateEvent {
  reason: 'size' | 'marker' | 'gap'
  size: number
}

export interface ResetEvent {
  reason: 'malformed' | 'stale' | 'ahead' | 'gone'
}

export interface DroppedEvent {
  reason: 'queue' | 'drain'
  queuedBytes: number
}

/**
 * `skipped` (only for clients that asked for it with `/events?skip=BYTES`): the lines after
 * `from` up to and including the line ending at `to` were not sent; they stay readable with
 * `/api/lines?after=FROM&until=TO`. The event's id is `to`.
 */
export interface SkippedEvent {
  from: string
  to: string
  bytes: number
}

export interface ErrorEvent {
  error: 'server-full'
  message: string
}

/**
 * `gone`: the file is no longer served (`removed` from the config, or `deleted` and not back
 * within its rotation grace); the stream ends after it and the id is 404 from then on.
 */
export interface GoneEvent {
  file: string
  reason: 'removed' | 'deleted'
}

/**
 * `state`: what the path names now. `missing` (nothing there yet: waiting for it), `error` (it
 * cannot be followed: `code` such as EACCES or EISDIR, and the message), `following` (a file is
 * there again). Sent when it changes, and first on every stream whose file is not followed. It
 * carries the id of the event before it (no position of its own).
 */
export interface StateEvent {
  state: 'missing' | 'error' | 'following'
  /** The path concerned. */
  path: string
  /** With `error`: the system error code. */
  code?: string
  message?: string
}

/** Payload type of each event name. */
export interface SseEvents {
  init: InitEvent
  update: UpdateEvent
  rotate: RotateEvent
  truncate: TruncateEvent
  reset: ResetEvent
  dropped: DroppedEvent
  skipped: SkippedEvent
  error: ErrorEvent
  gone: GoneEvent
  state: StateEvent
}

/** One element of `GET /api/files`. */
export interface FileInfoJson {
  id: string
  path: string
  size: number
  backend: 'inotify' | 'kqueue' | 'poll'
  backendReason: string | null
  state: 'starting' | 'following' | 'missing' | 'error' | 'closed'
}

/** `GET /api/lines`: a page of lines in file order. */
export interface LinesJson {
  file: string
  lines: string[]
  /** Cursor at the start of lines[0]. */
  first: string
  /** Cursor just past the last line. */
  last: string
  /** More lines exist beyond this page in the direction read (older for `before`, newer for `after`). */
  more: boolean
  /** lines[0] is the first line of the file. */
  atStart: boolean
  /** With `at=TIME`: the cursor at the start of the first line at or after that time. */
  at?: string
  /**
   * The rotated sibling these lines come from (`app.log.1`); absent for the current file. A page
   * never spans two files; at a file's start, `first` is where the next older one ends.
   */
  source?: string
  /**
   * `file=*` (the merged view's scrollback): the id of the file of each line; `first` and
   * `last` are then merged cursors (core/merged-cursor.ts).
   */
  files?: string[]
  /**
   * The next older sibling is compressed and being indexed, a step per request (`bytes` of it
   * done): `first` stays at this file's start, to ask again.
   */
  indexing?: { source: string; bytes: number }
}

export interface SearchMatchJson {
  line: string
  /** Cursor just after the matching line. */
  cursor: string
  /**
   * The line is longer than the follower's line limit: `line` is the piece of it (as long as
   * the limit) where the match is. A long line is still one match.
   */
  truncated?: true
  /** The rotated sibling the line is in (`app.log.1`); absent for the current file. */
  source?: string
}

/** `GET /api/search`: one page of matches, newest first. */
export interface SearchJson {
  file: string
  matches: SearchMatchJson[]
  next: string | null
  done: boolean
  reason: 'limit' | 'time' | 'bytes' | 'start' | 'stale'
  scannedBytes: number
  /** How the history was searched (see README): a byte scan's plan, or `lines` one by one. */
  strategy?: SearchStrategy
}

export type SearchStrategy =
  'literal' | 'asciiIcaseLiteral' | 'regexWithLiteral' | 'regexNoLiteral' | 'lines'

/** `progress` of a streamed search: bytes of history scanned, of the bytes before the start. */
export interface SearchProgressEvent {
  scannedBytes: number
  totalBytes: number
}

/** `done`: the last event of a streamed search; the same fields as a JSON page's tail. */
export type SearchDoneEvent = Omit<SearchJson, 'file' | 'matches'>

/**
 * `/api/search` with `Accept: text/event-stream` or `stream=1`: one `match` per match (newest
 * first), `progress` after each region scanned, then `done`; the stream ends after it (an
 * EventSource must close() on `done`, or it would reconnect and search again).
 */
export interface SearchStreamEvents {
  match: SearchMatchJson
  progress: SearchProgressEvent
  done: SearchDoneEvent
}

/** Every error response: `{"error": {...}}`. */
export interface ErrorJson {
  error: { code: string; message: string; param?: string }
}
