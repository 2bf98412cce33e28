import { re2Unsupported } from './regex-dialect.js'

/**
 * @module The line filter: literal text or a regular expression, case toggle, invert. Compiled once per
 * change of the filter input, then applied to every loaded and arriving line.
 */
export interface FilterSpec {
  text: string
  regex: boolean
  caseSensitive: boolean
  invert: boolean
}

export type Range = [start: number, end: number]

export interface Filter {
  /** False when the spec is empty: everything passes and nothing is highlighted. */
  readonly active: boolean
  /** Set when the regular expression does not compile; the filter then passes everything. */
  readonly error?: string
  /** Shown lines are those without a match. */
  readonly inverted?: boolean
  test(line: string): boolean
  /** Match ranges to highlight (none when inverted: the shown lines are those without a match). */
  ranges(line: string): Range[]
}

const MAX_RANGES = 200

export const EMPTY_FILTER_SPEC: FilterSpec = {
  text: '',
  regex: false,
  caseSensitive: false,
  invert: false,
}

export function compileFilter(spec: FilterSpec): Filter {
  if (spec.text === '') return { active: false, test: () => true, ranges: () => [] }
  let re: RegExp
  const unsupported = spec.regex ? re2Unsupported(spec.text) : undefined
  if (unsupported)
    return {
      active: false,
      error: `${unsupported}: patterns follow RE2, the engine of history search`,
      test: () => true,
      ranges: () => [],
    }
  try {
    const source = spec.regex ? spec.text : spec.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    re = new RegExp(source, spec.caseSensitive ? 'g' : 'gi')
  } catch (e) {
    return { active: false, error: (e as Error).message, test: () => true, ranges: () => [] }
  }
  const hit = (line: string) => {
    re.lastIndex = 0
    return re.test(line)
  }
  return {
    active: true,
    inverted: spec.invert,
    test: spec.invert ? (line) => !hit(line) : hit,
    ranges: spec.invert ? () => [] : (line) => matchRanges(re, line),
  }
}

function matchRanges(re: RegExp, line: string): Range[] {
  const out: Range[] = []
  re.lastIndex = 0
  for (let m = re.exec(line); m && out.length < MAX_RANGES; m = re.exec(line)) {
    // An empty match (e.g. /x*/) would loop forever and highlights nothing: step past it.
    if (m[0] === '') re.lastIndex++
    else out.push([m.index, m.index + m[0].length])
  }
  return out
}
