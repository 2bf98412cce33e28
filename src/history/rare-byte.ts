/**
 * @module Literal search led by the needle's rarest byte: memchr for that byte, then a compare
 * around it. Buffer.indexOf leads with the first byte (or Horspool on the last), so a needle
 * starting with a letter every line has (`OutOfMemoryError` in lines saying `INFO`) ran at
 * 0.6 GB/s here; a byte seen once a megabyte makes the scan run at memchr speed.
 *
 * Frequencies come from a sample of the history itself (the first region scanned), as ripgrep
 * ranks bytes; a needle with no byte rarer than about once a KiB gets plain indexOf.
 */
import { findBytes } from './bytes.js'

const SAMPLE = 64 * 1024
/** Rare enough for memchr plus a compare per hit to beat indexOf (about 100 ns per call). */
export const RARE_PER_SAMPLE = SAMPLE / 1024

export function byteCounts(buf: Uint8Array, from: number, to: number): Uint32Array {
  const counts = new Uint32Array(256)
  const end = Math.min(to, from + SAMPLE)
  for (let i = from; i < end; i++) {
    const b = buf[i] as number
    counts[b] = (counts[b] as number) + 1
  }
  return counts
}

/** The index in `needle` of its rarest byte by `counts`, or -1 when none is rare enough. */
export function rarestIndex(needle: Uint8Array, counts: Uint32Array): number {
  let best = -1
  let bestCount = Infinity
  for (let k = 0; k < needle.length; k++) {
    const c = counts[needle[k] as number] as number
    if (c < bestCount) {
      best = k
      bestCount = c
    }
  }
  return bestCount <= RARE_PER_SAMPLE ? best : -1
}

/** The first index of `needle` in hay[from, to), finding candidates by hay's byte at `k`. */
export function findByRareByte(
  hay: Uint8Array,
  needle: Uint8Array,
  k: number,
  from: number,
  to: number
): number {
  const n = needle.length
  const rare = needle[k] as number
  const last = to - n
  for (let i = hay.indexOf(rare, from + k); i >= 0; i = hay.indexOf(rare, i + 1)) {
    const s = i - k
    if (s > last) return -1
    let j = 0
    while (j < n && hay[s + j] === needle[j]) j++
    if (j === n) return s
  }
  return -1
}

/** A finder for `needle` tuned to the first bytes it is given. */
export function literalSearch(needle: Uint8Array) {
  let k: number | undefined
  return (hay: Uint8Array, from: number, to: number): number => {
    k ??= rarestIndex(needle, byteCounts(hay, from, to))
    return k < 0 ? findBytes(hay, needle, from, to) : findByRareByte(hay, needle, k, from, to)
  }
}
