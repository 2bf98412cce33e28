/**
 * @module Opening what a path names now as the first generation of a new OpenFile.
 *
 * Kept apart from the follower's decisions: this either returns a generation positioned where
 * following starts, or throws an error with a code and the path (ENOTREG for anything that is
 * not a regular file, EINSECURE for a directory others may write: dir-safety.ts), and never
 * leaves a descriptor open behind it.
 */
import { constants } from 'node:fs'
import { checkDirSafety } from './dir-safety.js'
import { Generation } from './generation.js'
import type { NativeBinding } from './native-types.js'
import { OpenFile } from './open-file.js'
import type { ResolvedOptions } from './options.js'
import { readBackward } from './read-backward.js'

export function notRegular(path: string): Error {
  return Object.assign(new Error(`not a regular file: ${path}`), { code: 'ENOTREG', path })
}

/**
 * Opens `path` as generation `gen` at `at` ('end' = start of the last, unterminated line, so it
 * is delivered once complete; 'start' = 0; or an offset).
 */
export async function openGeneration(
  path: string,
  at: number | 'end' | 'start',
  gen: number,
  opts: ResolvedOptions,
  native: NativeBinding | null
): Promise<Generation> {
  // Checked on every open, so a swap at rotation time is caught as well as one at start.
  if (!opts.allowInsecureDir) await checkDirSafety(path)
  // O_NONBLOCK: opening a FIFO put in the log's place must not hang the follower.
  const fh = await opts.io.open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const st = await fh.stat({ bigint: true })
    if (!st.isFile()) throw notRegular(path)
    let offset = at === 'start' ? 0 : at === 'end' ? Number(st.size) : at
    if (at === 'end' && offset > 0) {
      const tail = await readBackward(fh, offset, 0, opts.maxLineBytes, 64 * 1024, native)
      if (!tail.hitLimit) offset = tail.start
    }
    return await Generation.open(gen, new OpenFile(fh, st, opts.io.readSync), offset, opts)
  } catch (err) {
    await fh.close().catch(() => undefined)
    throw err
  }
}
