/**
 * @module Cursors: resumable positions in a followed file.
 *
 * A cursor is `<offset>-<fingerprint>`: the byte offset just past a delivered line, plus a hash of
 * the file's first HEAD_BYTES and of the TAIL_BYTES before the offset. After any restart the
 * offset can be re-read from the file itself; the fingerprint tells whether the file at that
 * offset is still the file the cursor came from (a rotated, truncated or rewritten file gives a
 * different hash), so a stale cursor is reported as stale, never resolved to the wrong lines.
 */
import { hashBytes } from './hash.js'

/** Bytes from the start of the file that go into the fingerprint. */
export const HEAD_BYTES = 64
/** Bytes just before the offset that go into the fingerprint (Fluent Bit uses 32). */
export const TAIL_BYTES = 32
/** Longest cursor we accept: offsets stay below 2^53, so 16 digits + '-' + 14 hex. */
const MAX_CURSOR_LENGTH = 40
const CURSOR_RE = /^(0|[1-9][0-9]{0,15})-([0-9a-f]{14})$/

export interface ParsedCursor {
  offset: number
  fingerprint: string
}

/** The byte ranges a fingerprint at `offset` covers: [0, headEnd) and [tailStart, offset). */
export function fingerprintRanges(offset: number): { headEnd: number; tailStart: number } {
  return { headEnd: Math.min(HEAD_BYTES, offset), tailStart: Math.max(0, offset - TAIL_BYTES) }
}

/** Fingerprint of the given head and tail bytes (as read from fingerprintRanges). */
export function fingerprint(head: Uint8Array, tail: Uint8Array): string {
  return hashBytes(head, tail)
}

export function formatCursor(offset: number, fp: string): string {
  return `${offset}-${fp}`
}

/** Parses a cursor; returns null for anything malformed (never throws on user input). */
export function parseCursor(text: string): ParsedCursor | null {
  if (typeof text !== 'string' || text.length > MAX_CURSOR_LENGTH) return null
  const m = CURSOR_RE.exec(text)
  if (!m) return null
  const offset = Number(m[1])
  if (!Number.isSafeInteger(offset)) return null
  return { offset, fingerprint: m[2] as string }
}
