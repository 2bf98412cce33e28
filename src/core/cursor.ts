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

/**
 * A cursor into a rotated sibling (`app.log.1`, `app.log.2.gz`): `<offset>-<fingerprint>.<id>`,
 * the offset counted in the sibling's (decompressed) bytes and `id` a hash of the sibling's
 * identity (device and inode; for gzip also size and mtime). A renamed sibling keeps its
 * cursors; a replaced or deleted one no longer has that identity, and a rewritten one fails
 * the fingerprint, so their cursors are reported stale.
 */
const ARCHIVE_CURSOR_RE = /^(0|[1-9][0-9]{0,15})-([0-9a-f]{14})\.([0-9a-f]{14})$/

export interface ParsedArchiveCursor extends ParsedCursor {
  archive: string
}

export function formatArchiveCursor(offset: number, fp: string, archive: string): string {
  return `${offset}-${fp}.${archive}`
}

/** Parses a sibling's cursor; null for anything else (a live cursor included). */
export function parseArchiveCursor(text: string): ParsedArchiveCursor | null {
  if (typeof text !== 'string' || text.length > MAX_CURSOR_LENGTH + 15) return null
  const m = ARCHIVE_CURSOR_RE.exec(text)
  if (!m) return null
  const offset = Number(m[1])
  if (!Number.isSafeInteger(offset)) return null
  return { offset, fingerprint: m[2] as string, archive: m[3] as string }
}

/** The offset a cursor of either kind names, within its own file; null when malformed. */
export function cursorOffset(text: string): number | null {
  return (parseCursor(text) ?? parseArchiveCursor(text))?.offset ?? null
}

/** Which run of history a cursor points into: a sibling's id, '' for the current file. */
export function cursorRun(text: string): string | null {
  if (parseCursor(text)) return ''
  return parseArchiveCursor(text)?.archive ?? null
}

/**
 * A cursor of the live file as a cursor into sibling `archive`: after a rename rotation the
 * same bytes are in `app.log.1` at the same offset, so the same fingerprint checks them there.
 */
export function asArchiveCursor(text: string, archive: string): string | null {
  const p = parseCursor(text)
  return p ? formatArchiveCursor(p.offset, p.fingerprint, archive) : null
}
