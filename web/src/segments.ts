/**
 * Cuts styled ANSI spans at highlight boundaries, so the renderer can wrap matches in <mark>
 * without losing colours. Ranges index the displayed (escape-free) text, i.e. the spans joined.
 */
import type { Span, Style } from './ansi.js'
import type { Range } from './filter.js'

export interface Segment {
  text: string
  style: Style
  mark: boolean
}

export function segment(spans: Span[], ranges: Range[]): Segment[] {
  if (ranges.length === 0) return spans.map((s) => ({ text: s.text, style: s.style, mark: false }))
  const out: Segment[] = []
  let pos = 0
  let r = 0
  for (const span of spans) {
    let i = 0
    while (i < span.text.length) {
      const at = pos + i
      while (r < ranges.length && (ranges[r] as Range)[1] <= at) r++
      const range = ranges[r]
      let end: number
      let mark = false
      if (!range || range[0] >= pos + span.text.length) end = span.text.length
      else if (range[0] > at) end = range[0] - pos
      else {
        mark = true
        end = Math.min(range[1] - pos, span.text.length)
      }
      out.push({ text: span.text.slice(i, end), style: span.style, mark })
      i = end
    }
    pos += span.text.length
  }
  return out
}
