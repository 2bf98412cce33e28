/**
 * @module Random access into a gzip file: a checkpoint index built in one streaming pass, then
 * reads that inflate from the nearest checkpoint instead of from the start (zlib's zran.c).
 *
 * A checkpoint is a deflate block boundary: the compressed bit position, the uncompressed
 * offset and the 32 KiB of output before it (the dictionary the next blocks refer back to).
 * node:zlib exposes neither block boundaries nor inflatePrime, so inflating goes through pako,
 * a maintained pure-JS port of zlib that does (Z_BLOCK, data_type, the inflate state).
 * Memory is bounded: at most MAX_POINTS checkpoints (the spacing doubles when a file needs
 * more), so an index holds at most MAX_POINTS * 32 KiB whatever the file's size; a read
 * inflates at most one spacing plus the bytes asked for. The index is built by
 * gzip-indexer.ts, a budget of bytes per step.
 */
import type { FileHandle } from 'node:fs/promises'
import {
  Z_NO_FLUSH,
  Z_OK,
  Z_STREAM_END,
  ZStream,
  zlibInflate,
  zlibInflateInit2,
  zlibInflateSetDictionary,
} from 'pako'
import { ArchiveError } from './archive-error.js'

export const WINDOW = 32 * 1024
export const IN_CHUNK = 256 * 1024
export const OUT_CHUNK = 256 * 1024
export const MAX_POINTS = 256
/** Default spacing of checkpoints in uncompressed bytes (it doubles for large files). */
export const DEFAULT_SPAN = 1024 * 1024

export interface Checkpoint {
  /** Uncompressed offset of the block boundary. */
  out: number
  /** Compressed offset of the first whole byte after it, and bits of the byte before it. */
  in: number
  bits: number
  prev: number
  window: Uint8Array
}

export interface GzIndex {
  size: number
  points: Checkpoint[]
  /** What the index holds in memory (for the cache's bound). */
  bytes: number
}

/** Uncompressed bytes produced so far by this process (tests assert reads stay bounded). */
export const inflateStats = { inflated: 0 }

/** Uncompressed bytes [pos, pos + len) (fewer at the end), inflated from the nearest checkpoint. */
export async function readGz(
  fh: FileHandle,
  path: string,
  index: GzIndex,
  pos: number,
  len: number
): Promise<Uint8Array> {
  const end = Math.min(index.size, pos + Math.max(0, len))
  if (pos >= end) return new Uint8Array(0)
  const p = nearest(index.points, pos)
  const result = new Uint8Array(end - pos)
  const strm = new ZStream()
  zlibInflateInit2(strm, -15)
  if (p.bits > 0) {
    // What inflatePrime does: the bits of the byte before `in` that belong to the next block.
    strm.state.hold = p.prev >> (8 - p.bits)
    strm.state.bits = p.bits
  }
  if (p.window.length > 0) zlibInflateSetDictionary(strm, p.window)
  const out = new Uint8Array(OUT_CHUNK)
  let filePos = p.in
  let at = p.out
  strm.avail_in = 0
  while (at < end) {
    if (strm.avail_in === 0) {
      const chunk = Buffer.allocUnsafe(IN_CHUNK)
      const { bytesRead } = await fh.read(chunk, 0, IN_CHUNK, filePos)
      if (bytesRead === 0) throw new ArchiveError('stale', 'gzip file changed while read', path)
      filePos += bytesRead
      strm.input = chunk.subarray(0, bytesRead)
      strm.next_in = 0
      strm.avail_in = bytesRead
    }
    strm.output = out
    strm.next_out = 0
    strm.avail_out = out.length
    const ret = zlibInflate(strm, Z_NO_FLUSH)
    const produced = strm.next_out
    inflateStats.inflated += produced
    const from = Math.max(at, pos)
    const to = Math.min(at + produced, end)
    if (to > from) result.set(out.subarray(from - at, to - at), from - pos)
    at += produced
    if (ret === Z_STREAM_END && at < end) {
      // The member ended: skip its 8-byte trailer and go on with the next member's header.
      filePos = filePos - strm.avail_in + 8
      zlibInflateInit2(strm, 31)
      strm.avail_in = 0
    } else if (ret !== Z_OK && ret !== Z_STREAM_END && produced === 0)
      throw new ArchiveError('bad_archive', `not valid gzip data (${strm.msg || ret})`, path)
  }
  return result
}

/**
 * The range worth inflating for a read of [pos, end): from the checkpoint before pos to the
 * next one after end, when that is at most `max` bytes (a read inflates from there anyway, so
 * keeping the whole span serves the neighbouring reads of a backward scan for free).
 */
export function spanAround(
  index: GzIndex,
  pos: number,
  end: number,
  max: number
): { from: number; to: number } | null {
  const from = nearest(index.points, pos).out
  const after = index.points.find((p) => p.out >= end)
  const to = after ? after.out : index.size
  return to - from <= max ? { from, to } : null
}

function nearest(points: Checkpoint[], pos: number): Checkpoint {
  let lo = 0
  let hi = points.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((points[mid] as Checkpoint).out <= pos) lo = mid
    else hi = mid - 1
  }
  return points[lo] as Checkpoint
}
