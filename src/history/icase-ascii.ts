/**
 * @module Case-insensitive search for an ASCII needle at memory speed: a V8 RegExp over the
 * chunk viewed as one char per byte (indices are byte offsets), never a decode of every line.
 *
 * The pattern spells out RE2's case folding for ASCII letters, including the two non-ASCII
 * members of their fold orbits (K: U+212A KELVIN SIGN, S: U+017F LONG S) as their UTF-8 bytes,
 * and uses no `i` flag: so it matches exactly the bytes that RE2's CASE_INSENSITIVE literal
 * matches, and never a non-ASCII byte that a latin1 view would case-fold.
 */
import { byteString, latin1Of } from './bytes.js'

const enc = new TextEncoder()

function escapeChars(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    out += `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`
  }
  return out
}

const KELVIN = escapeChars(latin1Of(enc.encode('\u212a')))
const LONG_S = escapeChars(latin1Of(enc.encode('\u017f')))

/** The RegExp source matching `needle` (ASCII) case-insensitively over a byte string. */
export function asciiIcaseSource(needle: string): string {
  let out = ''
  for (const ch of needle) {
    const lo = ch.toLowerCase()
    const up = ch.toUpperCase()
    if (lo === 'k') out += `(?:[kK]|${KELVIN})`
    else if (lo === 's') out += `(?:[sS]|${LONG_S})`
    else if (lo !== up) out += `[${lo}${up}]`
    else out += escapeChars(ch)
  }
  return out
}

/** Finds matches in one region; `end` is the end of the last match found. */
export interface Finder {
  /** Offset of the first match at or after `pos`, or -1. */
  next(pos: number): number
  end: number
}

/** A finder factory for one region; the region is viewed as a string once, on first use. */
export function asciiIcaseFinder(
  needle: string
): (buf: Uint8Array, from: number, to: number) => Finder {
  const source = asciiIcaseSource(needle)
  return (buf, from, to) => {
    let text: string | null = null
    const re = new RegExp(source, 'g')
    const f: Finder = {
      end: -1,
      next(pos) {
        text ??= byteString(buf, from, to)
        re.lastIndex = pos - from
        const m = re.exec(text)
        if (!m) return -1
        f.end = from + m.index + m[0].length
        return from + m.index
      },
    }
    return f
  }
}
