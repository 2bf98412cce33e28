import { describe, expect, it } from 'vitest'
import { compileFilter, EMPTY_FILTER_SPEC, type FilterSpec } from '../web/src/filter.js'
import { segment } from '../web/src/segments.js'
import { parseAnsi } from '../web/src/ansi.js'

const spec = (p: Partial<FilterSpec>): FilterSpec => ({ ...EMPTY_FILTER_SPEC, ...p })

describe('compileFilter', () => {
  it('passes everything and highlights nothing when empty', () => {
    const f = compileFilter(EMPTY_FILTER_SPEC)
    expect(f.active).toBe(false)
    expect(f.test('anything')).toBe(true)
    expect(f.ranges('anything')).toEqual([])
  })

  it('matches literal text case-insensitively by default, with every match as a range', () => {
    const f = compileFilter(spec({ text: 'err' }))
    expect(f.test('ERROR and error')).toBe(true)
    expect(f.test('fine')).toBe(false)
    expect(f.ranges('ERROR and error')).toEqual([
      [0, 3],
      [10, 13],
    ])
  })

  it('treats regex metacharacters literally unless regex is on', () => {
    expect(compileFilter(spec({ text: 'a.c' })).test('abc')).toBe(false)
    expect(compileFilter(spec({ text: 'a.c' })).test('a.c')).toBe(true)
    expect(compileFilter(spec({ text: '(x)[y]' })).test('(x)[y]')).toBe(true)
    expect(compileFilter(spec({ text: 'a.c', regex: true })).test('abc')).toBe(true)
  })

  it('honours case sensitivity and invert (inverted filters highlight nothing)', () => {
    expect(compileFilter(spec({ text: 'Err', caseSensitive: true })).test('error')).toBe(false)
    const inv = compileFilter(spec({ text: 'debug', invert: true }))
    expect(inv.test('DEBUG noise')).toBe(false)
    expect(inv.test('INFO useful')).toBe(true)
    expect(inv.ranges('INFO useful')).toEqual([])
  })

  it('reports an invalid regular expression and passes everything meanwhile', () => {
    const f = compileFilter(spec({ text: '(unclosed', regex: true }))
    expect(f.error).toMatch(/Invalid regular expression/)
    expect(f.active).toBe(false)
    expect(f.test('x')).toBe(true)
  })

  it('is stable across calls despite the global flag, and skips empty matches', () => {
    const f = compileFilter(spec({ text: 'a*', regex: true }))
    expect(f.test('bab')).toBe(true)
    expect(f.test('bab')).toBe(true)
    expect(f.ranges('baab')).toEqual([[1, 3]])
  })
})

describe('segment', () => {
  it('cuts styled spans at highlight boundaries, keeping colours', () => {
    const spans = parseAnsi('\x1b[31mred\x1b[0m plain')
    expect(segment(spans, [[1, 5]])).toEqual([
      { text: 'r', style: { fg: 1 }, mark: false },
      { text: 'ed', style: { fg: 1 }, mark: true },
      { text: ' p', style: {}, mark: true },
      { text: 'lain', style: {}, mark: false },
    ])
  })

  it('joins back to the displayed text for any ranges', () => {
    const spans = parseAnsi('\x1b[1mab\x1b[0mcd\x1b[32mef\x1b[0m')
    const ranges: [number, number][] = [
      [0, 1],
      [2, 3],
      [3, 6],
    ]
    const segs = segment(spans, ranges)
    expect(segs.map((s) => s.text).join('')).toBe('abcdef')
    expect(segs.filter((s) => s.mark).map((s) => s.text)).toEqual(['a', 'c', 'd', 'ef'])
  })
})
