/**
 * @module The cursor fingerprint at the end of every line of a batch, computed by the watcher.
 *
 * Edges have the lines' text, not the file's bytes, so they cannot fingerprint a point inside a
 * batch themselves. Cursors inside a batch are real, though: the watcher's own HTTP hands them
 * out (catch-up pages, scrollback), and an edge must resume them too, and hand out ones the
 * watcher accepts. So the watcher reads the batch back once through LogSource.openRange (page
 * cache, one read) and ships one fingerprint per line. The result is trusted only if the last
 * one equals the batch cursor's fingerprint, which proves the bytes are those the follower read
 * (not a file rotated or rewritten in between); otherwise every entry is '' (unknown) and the
 * batch is resumable at its ends only.
 */
import {
  fingerprint,
  fingerprintRanges,
  HEAD_BYTES,
  parseCursor,
  TAIL_BYTES,
} from '../../core/cursor.js'
import type { LogSource } from '../../core/log-source.js'
import type { LogLine } from '../../core/types.js'

export async function lineFingerprints(
  source: LogSource,
  lines: readonly LogLine[],
  end: number,
  cursor: string
): Promise<string[]> {
  const unknown = lines.map(() => '')
  const first = lines[0]
  const c = parseCursor(cursor)
  if (!first || !c || c.offset !== end) return unknown
  const from = Math.max(0, first.offset - TAIL_BYTES)
  const data = await readRange(source, from, end)
  const head = from === 0 ? data : await readRange(source, 0, Math.min(HEAD_BYTES, end))
  if (!data || !head) return unknown
  const out: string[] = []
  for (let i = 0; i < lines.length; i++) {
    const at = i + 1 < lines.length ? (lines[i + 1] as LogLine).offset : end
    const { headEnd, tailStart } = fingerprintRanges(at)
    if (head.length < headEnd) return unknown
    out.push(fingerprint(head.subarray(0, headEnd), data.subarray(tailStart - from, at - from)))
  }
  return out[out.length - 1] === c.fingerprint ? out : unknown
}

/** Exactly [from, to) of the current file, or null when it is not there (rotated, shorter). */
async function readRange(source: LogSource, from: number, to: number): Promise<Uint8Array | null> {
  const body = await source.openRange(from, to)
  if ('stale' in body) return null
  const out = new Uint8Array(to - from)
  let at = 0
  const reader = body.getReader()
  let finished = false
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (at + value.length > out.length) return null
      out.set(value, at)
      at += value.length
    }
    finished = true
  } catch {
    return null
  } finally {
    // An unfinished range still holds the file open: cancel releases it.
    if (!finished) await reader.cancel().catch(() => undefined)
  }
  return at === out.length ? out : null
}
