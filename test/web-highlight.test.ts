/**
 * Highlight rules (issue 12), the pure parts: matching in the page's one dialect, overlapping
 * rules, strict parsing of stored and linked rules, the `#rules=` encoding, the segments that
 * carry both a filter mark and a rule colour, and the notification rate limit.
 */
import { describe, expect, it } from 'vitest'
import { parseAnsi } from '../web/src/ansi.js'
import {
  compileRules,
  decodeRules,
  encodeRules,
  parseRules,
  RuleError,
  type HighlightRule,
} from '../web/src/highlight-rules.js'
import { NOTIFY_WINDOW_MS, RuleNotifier } from '../web/src/rule-notify.js'
import { linkedRules, rulesUrl } from '../web/src/rules-link.js'
import { segment } from '../web/src/segments.js'

const rule = (p: Partial<HighlightRule>): HighlightRule => ({
  text: '',
  regex: false,
  caseSensitive: false,
  color: 'yellow',
  notify: false,
  ...p,
})

describe('compileRules', () => {
  it('colours text and regex matches, case-insensitive unless asked', () => {
    const set = compileRules([
      rule({ text: 'Timeout', color: 'red' }),
      rule({ text: 'id=\\d+', regex: true, color: 'blue' }),
    ])
    expect(set.ranges('a timeout for id=42, TIMEOUT')).toEqual([
      [2, 9, 4],
      [14, 19, 2],
      [21, 28, 4],
    ])
    const cs = compileRules([rule({ text: 'Timeout', caseSensitive: true })])
    expect(cs.ranges('timeout Timeout')).toEqual([[8, 15, 0]])
  })

  it('keeps the earlier rule where two overlap, and the later one around it', () => {
    const set = compileRules([
      rule({ text: 'bc', color: 'green' }),
      rule({ text: 'abcd', color: 'purple' }),
    ])
    expect(set.ranges('xabcdx')).toEqual([
      [1, 2, 3],
      [2, 4, 1],
      [4, 5, 3],
    ])
  })

  it('refuses what RE2 cannot run, per rule, and that rule matches nothing', () => {
    const set = compileRules([rule({ text: '(?=a)b', regex: true }), rule({ text: 'b' })])
    expect(set.errors[0]).toContain('lookahead')
    expect(set.errors[1]).toBeUndefined()
    expect(set.ranges('ab')).toEqual([[1, 2, 0]])
  })

  it('finds the first notify rule in a line; an empty rule never notifies', () => {
    const set = compileRules([
      rule({ text: '', notify: true }),
      rule({ text: 'panic', notify: true, color: 'red' }),
    ])
    expect(set.notifies).toBe(true)
    expect(set.notifyRule('kernel PANIC')?.color).toBe('red')
    expect(set.notifyRule('all fine')).toBeUndefined()
    expect(compileRules([rule({ text: 'x' })]).notifies).toBe(false)
  })
})

describe('parsing and the link', () => {
  it('round-trips rules through the fragment, unicode included, with no characters a URL escapes', () => {
    const rules = [
      rule({ text: 'größe ≥ 10 & "x"', color: 'orange', notify: true }),
      rule({ text: 'a|b', regex: true }),
    ]
    const code = encodeRules(rules)
    expect(code).toMatch(/^[\w-]+$/)
    expect(decodeRules(code)).toEqual(rules)
  })

  it('exports the page address with the rules and without an access token', () => {
    const rules = [rule({ text: 'x' })]
    const at = (search: string) =>
      rulesUrl(rules, { origin: 'http://h:1', pathname: '/logs/', search })
    const url = at('?token=secret&file=app.log')
    expect(url).not.toContain('secret')
    expect(url.startsWith('http://h:1/logs/?file=app.log#rules=')).toBe(true)
    expect(at('?token=secret')).toMatch(/^http:\/\/h:1\/logs\/#rules=/)
    expect(linkedRules(new URL(url).hash)).toEqual(rules)
    expect(linkedRules('#line=5-abc')).toBeUndefined()
  })

  it('rejects anything but a list of well-formed rules, with a code', () => {
    const bad = (v: unknown) => {
      try {
        parseRules(v)
      } catch (e) {
        expect(e).toBeInstanceOf(RuleError)
        return (e as RuleError).code
      }
      return 'accepted'
    }
    expect(bad({})).toBe('bad_rules')
    expect(bad([{ text: 'x', color: 'pink' }])).toBe('bad_rules')
    expect(bad([{ text: 5, color: 'red' }])).toBe('bad_rules')
    expect(bad([null])).toBe('bad_rules')
    expect(bad(Array.from({ length: 51 }, () => rule({ text: 'x' })))).toBe('bad_rules')
    expect(parseRules([{ text: 'x', color: 'red', regex: 'yes' }])[0]!.regex).toBe(false)
    expect(() => decodeRules('%%%')).toThrow(/does not hold highlight rules/)
    expect(() => decodeRules(encodeRules([]).slice(0, 1))).toThrow(RuleError)
  })
})

describe('segment with rule colours', () => {
  it('cuts at both kinds of boundary and keeps the ANSI style', () => {
    const spans = parseAnsi('\u001b[31mred text\u001b[0m plain')
    const out = segment(spans, [[4, 6]], [[0, 8, 2]])
    expect(out.map((s) => [s.text, s.mark, s.hl, s.style.fg])).toEqual([
      ['red ', false, 2, 1],
      ['te', true, 2, 1],
      ['xt', false, 2, 1],
      [' plain', false, undefined, undefined],
    ])
  })
})

describe('RuleNotifier', () => {
  it('shows one notification per window and sums up a burst in one more', () => {
    let now = 1_000_000
    const shown: [string, string][] = []
    const timers: [() => void, number][] = []
    const n = new RuleNotifier({
      show: (t, b) => shown.push([t, b]),
      now: () => now,
      later: (fn, ms) => timers.push([fn, ms]),
    })
    const r = rule({ text: 'PANIC', notify: true })
    for (let i = 0; i < 1000; i++) n.matched(r, `PANIC ${i}`)
    expect(shown).toEqual([['taillight: PANIC', 'PANIC 0']])
    expect(timers.length).toBe(1)
    expect(timers[0]![1]).toBe(NOTIFY_WINDOW_MS)
    now += NOTIFY_WINDOW_MS
    timers[0]![0]()
    expect(shown[1]).toEqual(['taillight: PANIC', '999 more matching lines'])
    n.matched(r, 'PANIC late')
    expect(shown.length).toBe(2)
    now += NOTIFY_WINDOW_MS
    timers[1]![0]()
    expect(shown[2]![1]).toBe('1 more matching line')
    now += NOTIFY_WINDOW_MS
    n.matched(r, 'PANIC again')
    expect(shown[3]![1]).toBe('PANIC again')
  })
})
