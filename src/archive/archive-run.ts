/**
 * @module A rotated sibling as a ByteRangeReader: plain files read in place, gzip files through
 * the checkpoint index. Every read opens the file and checks its identity first, so a sibling
 * replaced or rewritten since discovery reads as gone (stale), never as someone else's bytes,
 * and no handle stays open between requests.
 */
import { open, type FileHandle } from 'node:fs/promises'
import {
  fingerprint,
  fingerprintRanges,
  formatArchiveCursor,
  parseArchiveCursor,
} from '../core/cursor.js'
import type { ArchiveEntry, ArchiveRun, Indexing, Stale } from '../core/log-source.js'
import { ArchiveError } from './archive-error.js'
import { readGz, spanAround, type GzIndex } from './gzip-index.js'
import { gzIndexes, type IndexCache } from './index-cache.js'
import { identityOf, type Sibling } from './siblings.js'

/** A gzip sibling keeps the last span it inflated, when at most this long... */
const SPAN_KEPT = 4 * 1024 * 1024
/** ...and all siblings of the process keep at most this much (least recently used go). */
const SPANS_KEPT = 16 * 1024 * 1024
const spans = new Map<string, { from: number; buf: Uint8Array }>()
let spansBytes = 0

function keep(id: string, span: { from: number; buf: Uint8Array }): void {
  const old = spans.get(id)
  if (old) spansBytes -= old.buf.length
  spans.delete(id)
  spans.set(id, span)
  spansBytes += span.buf.length
  for (const [k, v] of spans) {
    if (spansBytes <= SPANS_KEPT || k === id) break
    spans.delete(k)
    spansBytes -= v.buf.length
  }
}

const stale = (reason: Stale['reason']): Stale => ({ stale: true, reason })

export function archiveEntry(
  s: Sibling,
  maxLineBytes: number,
  stepCap = Number.MAX_SAFE_INTEGER,
  cache: IndexCache = gzIndexes
) {
  let opened: ArchiveRun | undefined
  const entry: ArchiveEntry = {
    name: s.name,
    id: s.id,
    open: async (budget = Number.MAX_SAFE_INTEGER) => {
      if (opened) return opened
      const r = await openRun(s, maxLineBytes, cache, Math.min(budget, stepCap))
      if (!('stale' in r) && !('indexing' in r)) opened = r
      return r
    },
  }
  return entry
}

/** Runs fn on the sibling's file, or returns null when it is no longer the same file. */
async function withFile<T>(s: Sibling, fn: (fh: FileHandle) => Promise<T>): Promise<T | null> {
  let fh: FileHandle
  try {
    fh = await open(s.path, 'r')
  } catch {
    return null
  }
  try {
    if (identityOf(await fh.stat(), s.gz) !== s.id) return null
    return await fn(fh)
  } finally {
    await fh.close().catch(() => {})
  }
}

async function openRun(
  s: Sibling,
  maxLineBytes: number,
  cache: IndexCache,
  budget: number
): Promise<ArchiveRun | Stale | Indexing> {
  let index: GzIndex | null = null
  if (s.gz) {
    const r = await withFile(s, (fh) => cache.step(s.id, s.path, fh, budget))
    if (!r) return stale('gone')
    if ('indexing' in r) return { indexing: true, name: s.name, indexed: r.indexed }
    index = r
  }
  const gz = index
  const size = gz ? gz.size : s.size
  const inflate = async (fh: FileHandle, gz: GzIndex, pos: number, end: number) => {
    const k = spans.get(s.id)
    if (k && pos >= k.from && end <= k.from + k.buf.length)
      return k.buf.subarray(pos - k.from, end - k.from)
    const span = spanAround(gz, pos, end, SPAN_KEPT)
    if (!span) return readGz(fh, s.path, gz, pos, end - pos)
    const buf = await readGz(fh, s.path, gz, span.from, span.to - span.from)
    keep(s.id, { from: span.from, buf })
    return buf.subarray(pos - span.from, end - span.from)
  }
  const read = async (pos: number, len: number): Promise<Uint8Array> => {
    const end = Math.min(size, pos + Math.max(0, len))
    if (pos >= end) return new Uint8Array(0)
    const r = await withFile(s, async (fh) => {
      if (gz) return inflate(fh, gz, pos, end)
      const buf = Buffer.allocUnsafe(end - pos)
      let got = 0
      while (got < buf.length) {
        const { bytesRead } = await fh.read(buf, got, buf.length - got, pos + got)
        if (bytesRead === 0) break
        got += bytesRead
      }
      return buf.subarray(0, got)
    }).catch((err: unknown) => {
      if (err instanceof ArchiveError) return null
      throw err
    })
    return r ?? new Uint8Array(0)
  }
  let head: Uint8Array | null = null
  const bytesAt = async (from: number, to: number, known?: { buf: Uint8Array; at: number }) => {
    if (known && from >= known.at && to <= known.at + known.buf.length)
      return known.buf.subarray(from - known.at, to - known.at)
    const b = await read(from, to - from)
    return b.length === to - from ? b : null
  }
  const fpAt = async (offset: number, known?: { buf: Uint8Array; at: number }) => {
    if (offset < 0 || offset > size) return null
    const { headEnd, tailStart } = fingerprintRanges(offset)
    // A gzip sibling's bytes are fixed by its identity; a plain one's head is read each time,
    // so one rewritten in place fails the fingerprint.
    const first = head ?? (await bytesAt(0, fingerprintRanges(size).headEnd, known))
    if (gz) head = first
    const tail = await bytesAt(tailStart, offset, known)
    if (!first || !tail) return null
    return fingerprint(first.subarray(0, headEnd), tail)
  }
  return {
    name: s.name,
    id: s.id,
    size,
    maxLineBytes,
    read,
    async cursorAt(offset, known) {
      const fp = await fpAt(offset, known)
      return fp === null ? null : formatArchiveCursor(offset, fp, s.id)
    },
    async offsetOf(cursor) {
      const p = parseArchiveCursor(cursor)
      if (!p) return stale('malformed')
      if (p.archive !== s.id) return stale('stale')
      if (p.offset > size) return stale('ahead')
      return (await fpAt(p.offset)) === p.fingerprint ? p.offset : stale('stale')
    },
  }
}
