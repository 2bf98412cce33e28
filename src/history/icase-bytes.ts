/**
 * @module Case-insensitive search for an ASCII needle led by its rarest letter: memchr for its
 * lower and upper case, then a byte compare around each hit that accepts RE2's folds (K also
 * as U+212A, S also as U+017F, in UTF-8). No chunk is turned into a string on this path.
 */
import { byteCounts } from './rare-byte.js'
import type { Finder } from './icase-ascii.js'

const enc = new TextEncoder()

/** The byte sequences each needle char accepts. */
function alternatives(needle: string): Uint8Array[][] {
  return [...needle].map((ch) => {
    const lo = ch.toLowerCase()
    const up = ch.toUpperCase()
    const alts = [enc.encode(lo)]
    if (up !== lo) alts.push(enc.encode(up))
    if (lo === 'k') alts.push(enc.encode('\u212a'))
    if (lo === 's') alts.push(enc.encode('\u017f'))
    return alts
  })
}

/** The end of a match of `alts` starting at s, or -1. */
function matchAt(buf: Uint8Array, s: number, to: number, alts: Uint8Array[][]): number {
  let p = s
  for (const options of alts) {
    let ok = false
    for (const a of options) {
      if (p + a.length > to) continue
      let j = 0
      while (j < a.length && buf[p + j] === a[j]) j++
      if (j === a.length) {
        p += a.length
        ok = true
        break
      }
    }
    if (!ok) return -1
  }
  return p
}

/**
 * A finder factory, or null when every char of the needle has a multi-byte fold (k, s): the
 * caller then uses the RegExp finder. Candidates are the hits of the needle's rarest char, in
 * either case, by memchr; each is compared with the needle around it.
 */
export function rareIcaseFinder(needle: string) {
  const alts = alternatives(needle)
  let plan: { k: number; lo: number; up: number; slack: number } | null | undefined
  const choose = (buf: Uint8Array, from: number, to: number) => {
    const counts = byteCounts(buf, from, to)
    let best: { k: number; lo: number; up: number; slack: number } | null = null
    let bestCount = Infinity
    let slack = 0
    alts.forEach((options, k) => {
      const single = options.every((a) => a.length === 1)
      const count = options.reduce((n, a) => n + (counts[a[0] as number] as number), 0)
      if (single && count < bestCount) {
        const [lo, up] = options.map((a) => a[0] as number)
        best = { k, lo: lo as number, up: up ?? -1, slack }
        bestCount = count
      }
      slack += Math.max(...options.map((a) => a.length)) - 1
    })
    // Even a common lead (a letter every 64 bytes) beats the RegExp over the chunk by far.
    return best
  }
  return (buf: Uint8Array, from: number, to: number): Finder | null => {
    if (plan === undefined) plan = choose(buf, from, to)
    if (plan === null) return null
    const { k, lo, up, slack } = plan
    const f: Finder = {
      end: -1,
      next(pos) {
        let a = buf.indexOf(lo, pos + k)
        let b = up < 0 ? -1 : buf.indexOf(up, pos + k)
        for (;;) {
          const m = a < 0 ? b : b < 0 ? a : Math.min(a, b)
          if (m < 0 || m >= to) return -1
          for (let s = Math.max(pos, m - k - slack); s <= m - k; s++) {
            const e = matchAt(buf, s, to, alts)
            if (e >= 0) {
              f.end = e
              return s
            }
          }
          if (m === a) a = buf.indexOf(lo, m + 1)
          else b = buf.indexOf(up, m + 1)
        }
      },
    }
    return f
  }
}
