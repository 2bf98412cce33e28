/**
 * @module The last lines before an offset, read backwards in aligned chunks: the native addon's
 * readBackward when it is loaded, else a TypeScript twin with byte-for-byte identical results.
 */
import { read } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'

import { backwardWindow } from '../core/backward-window.js'
import type { BackwardRead, NativeBinding } from './native-types.js'

/** GNU tail reads 8 KiB; we scan a few lines of long log entries in one read. */
export const DEFAULT_CHUNK_SIZE = 64 * 1024

const MAX_FD = 2 ** 31 - 1
const MAX_CHUNK = 2 ** 30

/**
 * Reads `maxLines` complete lines (plus an unterminated tail) ending at `end`, capped at
 * `maxBytes`; see NativeBinding.readBackward for the exact contract. Uses `native` when given.
 */
export async function readBackward(
  file: FileHandle | number,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunkSize: number = DEFAULT_CHUNK_SIZE,
  native?: NativeBinding | null
): Promise<BackwardRead> {
  const fd = typeof file === 'number' ? file : file.fd
  validate(fd, end, maxLines, maxBytes, chunkSize)
  if (native) return native.readBackward(fd, end, maxLines, maxBytes, chunkSize)
  return scan(file, end, maxLines, maxBytes, chunkSize)
}

/** The pure TypeScript implementation (positional reads; the file position is never moved). */
export async function readBackwardTs(
  file: FileHandle | number,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunkSize: number = DEFAULT_CHUNK_SIZE
): Promise<BackwardRead> {
  validate(typeof file === 'number' ? file : file.fd, end, maxLines, maxBytes, chunkSize)
  return scan(file, end, maxLines, maxBytes, chunkSize)
}

function scan(
  file: FileHandle | number,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunkSize: number
): Promise<BackwardRead> {
  const readAt = (into: Uint8Array, at: number, len: number, position: number) =>
    readFull(file, into as Buffer, at, len, position)
  return backwardWindow(readAt, end, maxLines, maxBytes, chunkSize, Buffer.allocUnsafe)
}

async function readFull(
  file: FileHandle | number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number
): Promise<void> {
  let got = 0
  while (got < length) {
    const n = await readAt(file, buf, offset + got, length - got, position + got)
    if (n === 0) {
      throw Object.assign(new Error('ECHANGED: file is shorter than the requested end, read'), {
        code: 'ECHANGED',
        syscall: 'read',
      })
    }
    got += n
  }
}

function readAt(
  file: FileHandle | number,
  buf: Buffer,
  offset: number,
  length: number,
  position: number
): Promise<number> {
  if (typeof file !== 'number') {
    return file.read(buf, offset, length, position).then((result) => result.bytesRead)
  }
  return new Promise((resolve, reject) => {
    read(file, buf, offset, length, position, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead)
    )
  })
}

// Same checks, codes and messages as native/JsErrors.hh, so both implementations fail alike.
function validate(
  fd: number,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunk: number
): void {
  checkInt('fd', fd, 0, MAX_FD)
  checkInt('end', end, 0, Number.MAX_SAFE_INTEGER)
  checkInt('maxLines', maxLines, 0, Number.MAX_SAFE_INTEGER - 1)
  checkInt('maxBytes', maxBytes, 0, Number.MAX_SAFE_INTEGER)
  checkInt('chunkSize', chunk, 1, MAX_CHUNK)
}

function checkInt(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number') {
    const error = new TypeError(`The "${name}" argument must be a number`)
    throw Object.assign(error, { code: 'ERR_INVALID_ARG_TYPE' })
  }
  if (!(value >= min && value <= max) || !Number.isInteger(value)) {
    const error = new RangeError(`The "${name}" argument must be an integer in [${min}, ${max}]`)
    throw Object.assign(error, { code: 'ERR_OUT_OF_RANGE' })
  }
}
