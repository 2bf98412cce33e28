/**
 * @module Positional reads of an exact byte range (pread until done or end of file).
 */
import type { FileHandle } from 'node:fs/promises'

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
