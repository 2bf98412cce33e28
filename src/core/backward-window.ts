/**
 * @module The bytes of the last lines before an offset, found by reading backwards: what the
 * live file's scrollback (follow/read-backward.ts, the TypeScript twin of the native reader)
 * and a rotated sibling's (history/lines-before.ts, over any ByteRangeReader) both need. One
 * scan, so both cut a window the same way: `maxLines` complete lines plus what follows them,
 * never more than `maxBytes`, the start of a cut oldest line flagged as `hitLimit`.
 */

/** Fills into[at, at + len) with the bytes at `position`, or throws. */
export type ReadAt = (into: Uint8Array, at: number, len: number, position: number) => Promise<void>

export interface BackwardWindow<B extends Uint8Array> {
  /** Offset of data[0]. */
  start: number
  /** The bytes [start, end). */
  data: B
  /** The scan stopped at maxBytes before it found enough line starts. */
  hitLimit: boolean
}

const NEWLINE = 0x0a

/**
 * Reads are chunk-aligned after the first; only the window's lower edge is not. `alloc` makes
 * the buffers (Buffer.allocUnsafe for a Buffer result).
 */
export async function backwardWindow<B extends Uint8Array>(
  readAt: ReadAt,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunkSize: number,
  alloc: (size: number) => B
): Promise<BackwardWindow<B>> {
  // The newline just before `start` may sit one byte below the maxBytes window.
  const lowest = Math.max(0, end - maxBytes - 1)
  const wanted = maxLines + 1
  let found = -1
  let seen = 0
  let pos = end
  // Bytes [pos, end) live at the back of `buf`, growing towards the front chunk by chunk.
  let buf = alloc(0)
  let used = 0
  while (pos > lowest && found < 0) {
    const chunkStart = Math.max(lowest, Math.floor((pos - 1) / chunkSize) * chunkSize)
    const len = pos - chunkStart
    if (used + len > buf.length) {
      const bigger = alloc(Math.max(buf.length * 2, used + len))
      bigger.set(buf.subarray(buf.length - used), bigger.length - used)
      buf = bigger
    }
    const at = buf.length - used - len
    await readAt(buf, at, len, chunkStart)
    used += len
    for (let p = at + len - 1; p >= at; p--) {
      p = buf.lastIndexOf(NEWLINE, p)
      if (p < at) break
      if (++seen === wanted) {
        found = chunkStart + (p - at)
        break
      }
    }
    pos = chunkStart
  }
  let start = 0
  let hitLimit = false
  if (found >= 0) {
    start = found + 1
  } else if (end - maxBytes > 0) {
    start = end - maxBytes
    hitLimit = true
  }
  const view = buf.subarray(buf.length - (end - start)) as B
  if (view.length * 2 >= buf.length) return { start, data: view, hitLimit }
  // Don't pin a mostly unused scan buffer behind a small result.
  const data = alloc(view.length)
  data.set(view)
  return { start, data, hitLimit }
}
