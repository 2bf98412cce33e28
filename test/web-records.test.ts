/**
 * Multi-line records and the level filter (issue 12, problem 6), the invert count and the one
 * regex dialect (problem 8), as the store and the filter see them.
 */
import { RE2JS } from 're2js'
import { describe, expect, it } from 'vitest'
import { compileFilter, EMPTY_FILTER_SPEC } from '../web/src/filter.js'
import { re2Unsupported } from '../web/src/regex-dialect.js'
import { LineStore } from '../web/src/store.js'

const TRACE = [
  '2025-01-01 12:00:00 INFO started',
  '2025-01-01 12:00:01 ERROR request failed',
  'java.lang.IllegalStateException: boom',
  '    at com.example.Foo.bar(Foo.java:10)',
  '    at com.example.Main.main(Main.java:5)',
  'Caused by: java.io.IOException: disk',
  '\t... 3 more',
  '2025-01-01 12:00:02 WARN slow',
  '2025-01-01 12:00:03 DEBUG tick',
]

const shown = (s: LineStore) => Array.from({ length: s.count }, (_, i) => s.row(i)?.text)

describe('records and levels', () => {
  it('a stack trace belongs to its error line: level counts, level filter, text filter', () => {
    const s = new LineStore(100)
    s.append(TRACE, 'c')
    // Lines, not records: the count is what choosing the level shows.
    expect(s.levelCounts.counts).toEqual({ error: 6, warn: 1, info: 1, debug: 1 })
    s.setLevels(new Set(['error']))
    expect(shown(s)).toEqual(TRACE.slice(1, 7))
    s.setLevels(undefined)
    s.setFilter(compileFilter({ ...EMPTY_FILTER_SPEC, text: 'request failed' }))
    expect(shown(s)).toEqual(TRACE.slice(1, 7))
    // A match inside the trace shows that line, not the unrelated lines around it.
    s.setFilter(compileFilter({ ...EMPTY_FILTER_SPEC, text: 'disk' }))
    expect(shown(s)).toEqual([TRACE[5]])
  })

  it('continuations of an error line stay with it when its line matches a filter', () => {
    const s = new LineStore(100)
    s.append(['2025 ERROR failed', '    at a()', '    at b()', '2025 INFO ok'], 'c')
    s.setFilter(compileFilter({ ...EMPTY_FILTER_SPEC, text: 'failed' }))
    expect(shown(s)).toEqual(['2025 ERROR failed', '    at a()', '    at b()'])
    s.setFilter(compileFilter({ ...EMPTY_FILTER_SPEC, text: 'failed', invert: true }))
    expect(shown(s)).toEqual(['2025 INFO ok'])
    expect(s.inverted).toBe(true)
  })

  it('counts follow lines out of the ring', () => {
    const s = new LineStore(2)
    s.append(['x ERROR a', 'x WARN b', 'x WARN c'], 'c')
    expect(s.levelCounts.counts).toEqual({ error: 0, warn: 2, info: 0, debug: 0 })
  })
})

describe('one regex dialect (RE2)', () => {
  const cases = [
    'a(?=b)',
    'a(?!b)',
    '(?<=a)b',
    '(?<!a)b',
    '(a)\\1',
    '(?<n>a)\\k<n>',
    '[(?=]x',
    '\\(?=x',
    'ab+c',
    '^(beta|delta)',
    '[\\]1]',
    'x{2,3}\\d',
  ]
  it.each(cases)('%s: the page refuses exactly what RE2 refuses', (pattern) => {
    let re2Error: unknown
    try {
      RE2JS.compile(pattern)
    } catch (e) {
      re2Error = e
    }
    expect(re2Unsupported(pattern) !== undefined).toBe(re2Error !== undefined)
  })

  it('says why in the filter error', () => {
    const f = compileFilter({ ...EMPTY_FILTER_SPEC, text: 'error(?=:)', regex: true })
    expect(f.active).toBe(false)
    expect(f.error).toMatch(/lookahead.*RE2/)
  })
})
