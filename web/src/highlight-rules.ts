/**
 * @module Highlight rules: the reader's own "make this stand out" (text or a regular expression
 * in the page's one dialect, filter.ts / regex-dialect.ts, and a colour from a small palette
 * that reads in light and dark themes). Compiled once per edit, then asked for the coloured
 * ranges of each drawn row and, while the tab is hidden, whether a new line asks to notify.
 * Parsing what was stored or came in a link is strict: bad input is an error with a code.
 */
import { compileFilter, type Filter } from './filter.js'

export const COLORS = ['yellow', 'green', 'blue', 'purple', 'red', 'orange'] as const
export type RuleColor = (typeof COLORS)[number]

export interface HighlightRule {
  text: string
  regex: boolean
  caseSensitive: boolean
  color: RuleColor
  /** A desktop notification when a new line matches while the tab is hidden. */
  notify: boolean
}

/** [start, end) of the displayed text, and the index of the rule's colour in COLORS. */
export type HlRange = [start: number, end: number, color: number]

export const MAX_RULES = 50
const MAX_TEXT = 500

export class RuleError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export interface RuleSet {
  readonly rules: readonly HighlightRule[]
  /** Per rule: why its pattern does not compile (the rule then matches nothing). */
  readonly errors: readonly (string | undefined)[]
  readonly notifies: boolean
  ranges(plain: string): HlRange[]
  /** The first rule with `notify` whose pattern is in the line. */
  notifyRule(plain: string): HighlightRule | undefined
}

export function compileRules(rules: readonly HighlightRule[]): RuleSet {
  const filters: Filter[] = rules.map((r) =>
    compileFilter({ text: r.text, regex: r.regex, caseSensitive: r.caseSensitive, invert: false })
  )
  const live = filters.map((f, i) => ({
    f,
    color: COLORS.indexOf((rules[i] as HighlightRule).color),
  }))
  const on = live.filter((x) => x.f.active)
  return {
    rules,
    errors: filters.map((f) => f.error),
    notifies: rules.some((r, i) => r.notify && (filters[i] as Filter).active),
    ranges: (plain) => (on.length === 0 ? [] : merge(on, plain)),
    notifyRule: (plain) =>
      rules.find(
        (r, i) => r.notify && (filters[i] as Filter).active && (filters[i] as Filter).test(plain)
      ),
  }
}

/** Each rule's matches, an earlier rule's colour kept where two overlap; sorted, disjoint. */
function merge(on: { f: Filter; color: number }[], plain: string): HlRange[] {
  let out: HlRange[] = []
  for (const { f, color } of on) {
    for (const [s, e] of f.ranges(plain)) {
      let pieces: [number, number][] = [[s, e]]
      for (const [os, oe] of out)
        pieces = pieces.flatMap(([a, b]): [number, number][] =>
          oe <= a || os >= b
            ? [[a, b]]
            : (
                [
                  [a, os],
                  [oe, b],
                ] as [number, number][]
              ).filter(([x, y]) => x < y)
        )
      for (const [a, b] of pieces) out.push([a, b, color])
    }
    out = out.sort((x, y) => x[0] - y[0])
  }
  return out
}

/** Rules from stored or linked JSON; throws RuleError (code bad_rules) on anything else. */
export function parseRules(value: unknown): HighlightRule[] {
  if (!Array.isArray(value)) throw new RuleError('bad_rules', 'highlight rules must be a list')
  if (value.length > MAX_RULES)
    throw new RuleError('bad_rules', `at most ${MAX_RULES} highlight rules`)
  return value.map((v, i) => {
    const r = v as Partial<Record<keyof HighlightRule, unknown>>
    const bad = (what: string) => new RuleError('bad_rules', `rule ${i + 1}: ${what}`)
    if (typeof r !== 'object' || r === null) throw bad('not an object')
    if (typeof r.text !== 'string' || r.text.length > MAX_TEXT)
      throw bad(`text must be a string of at most ${MAX_TEXT} characters`)
    if (!COLORS.includes(r.color as RuleColor))
      throw bad(`color must be one of ${COLORS.join(', ')}`)
    return {
      text: r.text,
      regex: r.regex === true,
      caseSensitive: r.caseSensitive === true,
      color: r.color as RuleColor,
      notify: r.notify === true,
    }
  })
}

/** The rules as a URL fragment value: base64url of their JSON (never sent to the server). */
export function encodeRules(rules: readonly HighlightRule[]): string {
  const bytes = new TextEncoder().encode(JSON.stringify(rules))
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

export function decodeRules(text: string): HighlightRule[] {
  let json: unknown
  try {
    const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
    json = JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))))
  } catch {
    throw new RuleError('bad_rules_link', 'the link does not hold highlight rules')
  }
  return parseRules(json)
}
