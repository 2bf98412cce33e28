/**
 * @module Byte primitives of the history scanners: substring search and a one-byte-per-char
 * view of a chunk, at memory speed.
 *
 * Node's Buffer.indexOf is memchr plus Boyer–Moore–Horspool in C++, several GB/s; other
 * runtimes get a first-byte scan with TypedArray.indexOf. Buffer is taken from globalThis, not
 * imported, so this module stays runtime-agnostic.
 */

interface BufferLike {
  from(ab: ArrayBufferLike, offset: number, length: number): NodeBufferView
}
interface NodeBufferView {
  indexOf(needle: Uint8Array, from: number): number
  latin1Slice?: (start: number, end: number) => string
  toString(encoding: 'latin1', start: number, end: number): string
}

const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer
const windows1252 = new TextDecoder('windows-1252')

function view(b: Uint8Array): NodeBufferView | null {
  return NodeBuffer ? NodeBuffer.from(b.buffer, b.byteOffset, b.byteLength) : null
}

/** Index of `needle` in hay[from, to), or -1. An empty needle is found at `from`. */
export function findBytes(hay: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  if (needle.length === 0) return from <= to ? from : -1
  if (to - from < needle.length) return -1
  // Bounded view: scanning past `to` would cost time and could find stale bytes.
  const region = hay.subarray(from, to)
  const b = view(region)
  if (b) {
    const i = b.indexOf(needle, 0)
    return i < 0 ? -1 : from + i
  }
  const first = needle[0] as number
  const last = region.length - needle.length
  for (let i = region.indexOf(first); i >= 0 && i <= last; i = region.indexOf(first, i + 1)) {
    let k = 1
    while (k < needle.length && region[i + k] === needle[k]) k++
    if (k === needle.length) return from + i
  }
  return -1
}

/**
 * bytes[from, to) as a string of one char per byte, so string indices are byte offsets. Node
 * gives true latin1; elsewhere windows-1252, which also maps every byte to one UTF-16 unit and
 * keeps ASCII as is: the only property the callers rely on (see `latin1Of`).
 */
export function byteString(bytes: Uint8Array, from: number, to: number): string {
  const region = bytes.subarray(from, to)
  const b = view(region)
  return b ? b.toString('latin1', 0, region.length) : windows1252.decode(region)
}

/** The chars byteString gives for these bytes (to write patterns over such strings). */
export function latin1Of(bytes: Uint8Array): string {
  return byteString(bytes, 0, bytes.length)
}

const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

/** One line as text, as the follower decodes it: invalid bytes become U+FFFD. */
export function decodeLine(bytes: Uint8Array, from: number, to: number): string {
  return utf8.decode(bytes.subarray(from, to))
}

export const LF = 0x0a
export const CR = 0x0d
