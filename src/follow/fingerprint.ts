/**
 * @module Reads the bytes a cursor fingerprint covers, from an open file.
 */
import type { FileHandle } from 'node:fs/promises'
import { fingerprint, fingerprintRanges, formatCursor } from '../core/cursor.js'

/** Reads exactly [start, end) or fewer bytes if the file is shorter now. */
export async function readExact(fh: FileHandle, start: number, end: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, end - start))
  let got = 0
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return got === buf.length ? buf : buf.subarray(0, got)
}

/**
 * Fingerprint of the file at `offset`, or null if the file is now shorter than `offset`.
 * `known` may supply bytes already in memory (a read buffer and its file offset) to save preads.
 */
export async function fingerprintAt(
  fh: FileHandle,
  offset: number,
  known?: { buf: Uint8Array; at: number }
): Promise<string | null> {
  const { headEnd, tailStart } = fingerprintRanges(offset)
  const head = await bytes(fh, 0, headEnd, known)
  const tail = await bytes(fh, tailStart, offset, known)
  if (head.length !== headEnd || tail.length !== offset - tailStart) return null
  return fingerprint(head, tail)
}

export async function cursorAt(fh: FileHandle, offset: number): Promise<string | null> {
  const fp = await fingerprintAt(fh, offset)
  return fp === null ? null : formatCursor(offset, fp)
}

async function bytes(
  fh: FileHandle,
  start: number,
  end: number,
  known?: { buf: Uint8Array; at: number }
): Promise<Uint8Array> {
  if (end <= start) return new Uint8Array(0)
  if (known && start >= known.at && end <= known.at + known.buf.length) {
    return known.buf.subarray(start - known.at, end - known.at)
  }
  return readExact(fh, start, end)
}
