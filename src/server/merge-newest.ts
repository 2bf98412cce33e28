/**
 * @module Scrollback of the merged view, the pure part: of the lines each file has before the
 * view's start, the newest `limit` of them all in timestamp order, and where each file's start
 * moves to. Taking by time (not a fixed share per file) keeps the start a cut in time, so the
 * next page is again older than everything shown.
 */
import { sniffFormat, stampParser, type StampParser } from '../history/time-parse.js'

/** Head of a line handed to the parser, as in the live merge. */
const STAMP_HEAD = 1024

/** Each line's timestamp, or its predecessor's (the first ones without: -Infinity). */
export function stamps(lines: readonly string[]): number[] {
  let parse: StampParser | null = null
  let last = -Infinity
  return lines.map((text) => {
    const head = text.length > STAMP_HEAD ? text.slice(0, STAMP_HEAD) : text
    if (!parse) {
      const f = sniffFormat([head])
      if (f) parse = stampParser(f)
    }
    last = (parse ? parse(head) : null) ?? last
    return last
  })
}

export interface Taken {
  /** Lines in merged order, and the index of the file of each. */
  lines: string[]
  files: number[]
  /** Per file, how many of its lines (its newest) were taken. */
  taken: number[]
}

/** The newest `limit` lines of all lists (each in file order), merged oldest first. */
export function takeNewest(lists: readonly (readonly string[])[], limit: number): Taken {
  const ts = lists.map(stamps)
  const ends = lists.map((l) => l.length)
  const picked: { file: number; text: string }[] = []
  while (picked.length < limit) {
    // The newest tail; on a tie the later file, as the live merge puts it after the earlier.
    let best = -1
    for (let f = 0; f < lists.length; f++) {
      const e = ends[f] as number
      if (e === 0) continue
      if (
        best < 0 ||
        (ts[f] as number[])[e - 1]! >= (ts[best] as number[])[(ends[best] as number) - 1]!
      )
        best = f
    }
    if (best < 0) break
    const e = (ends[best] as number) - 1
    ends[best] = e
    picked.push({ file: best, text: (lists[best] as readonly string[])[e] as string })
  }
  picked.reverse()
  return {
    lines: picked.map((p) => p.text),
    files: picked.map((p) => p.file),
    taken: lists.map((l, f) => l.length - (ends[f] as number)),
  }
}
