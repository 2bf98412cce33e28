/**
 * @module Cuts styled ANSI spans at highlight boundaries, so the renderer can wrap filter matches
 * in <mark> and colour highlight-rule matches without losing the line's own colours. Ranges
 * index the displayed (escape-free) text, i.e. the spans joined; both lists are sorted and
 * disjoint within themselves. Where a filter match and a rule overlap, the piece carries both.
 */
import type { Span, Style } from './ansi.js'
import type { Range } from './filter.js'
import type { HlRange } from './highlight-rules.js'

export interface Segment {
  text: string
  style: Style
  mark: boolean
  /** The highlight rule colour (index into highlight-rules COLORS), if a rule matched here. */
  hl?: number
}

/** A cursor over sorted, disjoint ranges: which one covers `at`, and where the next cut is. */
class Cuts<R extends readonly [number, number, ...number[]]> {
  private i = 0
  constructor(private readonly ranges: readonly R[]) {}

  /** The range covering `at` (or undefined), and the next boundary after `at`. */
  at(at: number): { range: R | undefined; next: number } {
    while (this.i < this.ranges.length && (this.ranges[this.i] as R)[1] <= at) this.i++
    const r = this.ranges[this.i]
    if (!r) return { range: undefined, next: Infinity }
    return r[0] <= at ? { range: r, next: r[1] } : { range: undefined, next: r[0] }
  }
}

export function segment(spans: Span[], ranges: Range[], hl: readonly HlRange[] = []): Segment[] {
  if (ranges.length === 0 && hl.length === 0)
    return spans.map((s) => ({ text: s.text, style: s.style, mark: false }))
  const out: Segment[] = []
  const marks = new Cuts(ranges)
  const rules = new Cuts(hl)
  let pos = 0
  for (const span of spans) {
    let i = 0
    while (i < span.text.length) {
      const m = marks.at(pos + i)
      const h = rules.at(pos + i)
      const end = Math.min(span.text.length, m.next - pos, h.next - pos)
      const seg: Segment = { text: span.text.slice(i, end), style: span.style, mark: !!m.range }
      if (h.range) seg.hl = h.range[2]
      out.push(seg)
      i = end
    }
    pos += span.text.length
  }
  return out
}
