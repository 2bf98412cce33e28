/**
 * @module Multi-line records: a stack trace's `at …` lines, a `Caused by:`, an indented
 * continuation have no timestamp or level of their own, so they belong to the line above. Each
 * entry learns its record's level (for colour and the level filter) and its head (so a filter
 * that keeps or hides the head keeps or hides the whole record), and the level counts of what
 * is loaded are kept as entries come and go.
 */
import { detectLevel, type Level } from './level.js'

export const LEVELS: readonly Level[] = ['error', 'warn', 'info', 'debug']

// What only a continuation looks like: leading whitespace, a trace frame, the exception line
// of a Java trace (`java.lang.IllegalStateException: boom`). Plain lines without a level stay
// lines of their own, so a filter never drags unrelated lines along with a match.
const CONTINUATION =
  /^(?:\s|at |Caused by[: ]|\.\.\. \d+ (?:more|common)|Traceback |During handling |(?:[\w$]+\.)+[\w$]*(?:Exception|Error|Throwable)\b)/

export interface RecordLine {
  marker?: true
  /** The record's level: the line's own, or its head's. */
  level?: Level
  /** The first line of the record, when this line continues one. */
  head?: RecordLine
}

/** Sets `level` and `head` of a line from its text and the line before it (if known). */
export function classify(e: RecordLine, plain: string, prev: RecordLine | undefined): void {
  if (e.marker) return
  const own = detectLevel(plain)
  if (own || !prev || prev.marker || !CONTINUATION.test(plain)) {
    e.level = own
    return
  }
  e.head = prev.head ?? prev
  e.level = e.head.level
}

export class LevelCounts {
  readonly counts: Record<Level, number> = { error: 0, warn: 0, info: 0, debug: 0 }
  /** Marker rows (gaps, start of file) among the entries: not lines of the file. */
  markers = 0

  add(e: RecordLine, by = 1): void {
    if (e.level) this.counts[e.level] += by
    if (e.marker) this.markers += by
  }

  clear(): void {
    for (const l of LEVELS) this.counts[l] = 0
    this.markers = 0
  }
}
