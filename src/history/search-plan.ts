/**
 * @module The query plan of a history search: how to find matching lines in a chunk of bytes
 * without decoding every line (grep's rule: search the whole buffer, find line bounds only
 * around a hit).
 *
 * - literal: memchr on the needle's rarest byte over the chunk (rare-byte.ts); a hit is a
 *   match, no line is decoded.
 * - asciiIcaseLiteral: the same led by the rarest letter in either case, compared with RE2's
 *   ASCII folding (icase-bytes.ts); a byte-level RegExp when no letter can lead.
 * - regexWithLiteral: the longest literal every match must contain finds candidate lines; only
 *   those are decoded and tested with re2js (RE2 semantics, linear time).
 * - regexNoLiteral: re2js tests 64 KiB blocks of whole lines at once (its DFA, no positions);
 *   only the lines of a block that matched are tested one by one.
 */
import { RE2JS } from 're2js'
import { asciiIcaseFinder, type Finder } from './icase-ascii.js'
import { CR, decodeLine, LF } from './bytes.js'
import { rareIcaseFinder } from './icase-bytes.js'
import { literalSearch } from './rare-byte.js'
import { longestAscii, requiredLiteral } from './required-literal.js'

export type Strategy = 'literal' | 'asciiIcaseLiteral' | 'regexWithLiteral' | 'regexNoLiteral'

/** A matching line buf[start, end) ('\n' excluded); `at` is where its match or literal starts. */
export type Emit = (start: number, end: number, at: number) => void

export interface SearchPlan {
  readonly strategy: Strategy
  /** Every matching line of buf[from, to) in order. Lines end at '\n' or at `to`. */
  scan(buf: Uint8Array, from: number, to: number, emit: Emit): void
  /** The same test on one decoded line, for sources without raw bytes. */
  testLine(text: string): boolean
}

const BLOCK = 64 * 1024
const enc = new TextEncoder()

/** A bad pattern; the route reports it as a 400 naming the parameter. */
export class PatternError extends Error {
  readonly code = 'bad_regex'
}

type MakeFinder = (buf: Uint8Array, from: number, to: number) => Finder

function bytesFinder(needle: Uint8Array): MakeFinder {
  const find = literalSearch(needle)
  return (buf, _from, to) => {
    const f: Finder = {
      end: -1,
      next(pos) {
        const at = find(buf, pos, to)
        f.end = at + needle.length
        return at
      },
    }
    return f
  }
}

/** Led by a rare letter when the history has one, else a RegExp over the chunk's bytes. */
function icaseFinder(needle: string): MakeFinder {
  const rare = rareIcaseFinder(needle)
  const regexp = asciiIcaseFinder(needle)
  return (buf, from, to) => rare(buf, from, to) ?? regexp(buf, from, to)
}

/** Where a line's text ends: before its '\r' when it ends in CRLF, as the follower strips it. */
function textEnd(buf: Uint8Array, start: number, end: number): number {
  return end > start && buf[end - 1] === CR ? end - 1 : end
}

function lineEnd(buf: Uint8Array, pos: number, to: number): number {
  const nl = buf.indexOf(LF, pos)
  return nl < 0 || nl >= to ? to : nl
}

/**
 * Candidate positions from `find`, widened to their lines and kept when `confirm` says so. The
 * search goes on after the line, so a line is reported once however many hits it holds.
 */
function byCandidates(
  make: MakeFinder,
  confirm: ((buf: Uint8Array, start: number, end: number) => boolean) | null
): SearchPlan['scan'] {
  return (buf, from, to, emit) => {
    const f = make(buf, from, to)
    let pos = from
    while (pos < to) {
      const at = f.next(pos)
      if (at < 0) return
      const nl = at > from ? buf.lastIndexOf(LF, at - 1) : -1
      const start = nl < from ? from : nl + 1
      const end = lineEnd(buf, at, to)
      const text = textEnd(buf, start, end)
      if (confirm) {
        if (confirm(buf, start, text)) emit(start, end, at)
        pos = end + 1
      } else if (f.end <= text) {
        emit(start, end, at)
        pos = end + 1
      } else pos = at + 1 // it ran into the stripped '\r' or past the line: not in its text
    }
  }
}

/** Whole-block gate, then line by line inside the blocks that matched. */
function byBlocks(gate: RE2JS | null, line: RE2JS): SearchPlan['scan'] {
  return (buf, from, to, emit) => {
    for (let bs = from; bs < to;) {
      let be = Math.min(to, bs + BLOCK)
      if (be < to) {
        const nl = buf.indexOf(LF, be)
        be = nl < 0 || nl >= to ? to : nl + 1
      }
      const block = buf.subarray(bs, be)
      // `$` must match before a stripped '\r': blocks holding one go line by line.
      if (!gate || block.includes(CR) || gate.test(block)) {
        for (let s = bs; s < be;) {
          const e = lineEnd(buf, s, be)
          if (line.test(decodeLine(buf, s, textEnd(buf, s, e)))) emit(s, e, s)
          s = e + 1
        }
      }
      bs = be
    }
  }
}

function compile(text: string, flags: number): RE2JS {
  try {
    return RE2JS.compile(text, flags)
  } catch (err) {
    throw new PatternError(`q is not a valid RE2 expression: ${(err as Error).message}`)
  }
}

/**
 * A block gate must find every line that matches alone: multi-line mode gives `^`/`$` their
 * line meaning; `\A`, `\z` and inline flags (which could turn that mode off) rule a gate out.
 */
function gateFor(pattern: string, flags: number): RE2JS | null {
  if (/\\[Az]|\(\?(?!:|P?<)/.test(pattern)) return null
  return compile(pattern, flags | RE2JS.MULTILINE)
}

export function compilePlan(q: string, regex: boolean, icase: boolean): SearchPlan {
  if (!regex && !icase) {
    const needle = enc.encode(q)
    return {
      strategy: 'literal',
      scan: byCandidates(bytesFinder(needle), null),
      testLine: (line) => line.includes(q),
    }
  }
  const pattern = regex ? q : RE2JS.quote(q)
  const flags = icase ? RE2JS.CASE_INSENSITIVE : 0
  const re = compile(pattern, flags)
  const testLine = (line: string) => re.test(line)
  if (!regex && /^[\x00-\x7f]*$/.test(q)) {
    return {
      strategy: 'asciiIcaseLiteral',
      scan: byCandidates(icaseFinder(q), null),
      testLine,
    }
  }
  // Case-folded leaves give re2js no literal: take the one the case-sensitive pattern needs,
  // which a case-insensitive match contains up to case (ASCII part only: our fold is ASCII's).
  let lit = requiredLiteral(icase ? compile(pattern, 0) : re)
  if (lit !== null && icase) lit = longestAscii(lit)
  const confirm = (buf: Uint8Array, s: number, e: number) => re.test(decodeLine(buf, s, e))
  if (lit !== null) {
    const make = icase ? icaseFinder(lit) : bytesFinder(enc.encode(lit))
    return { strategy: 'regexWithLiteral', scan: byCandidates(make, confirm), testLine }
  }
  return { strategy: 'regexNoLiteral', scan: byBlocks(gateFor(pattern, flags), re), testLine }
}
