import { describe, expect, it } from 'vitest'
import {
  formatMergedCursor,
  isMergedCursor,
  MAX_MERGED_FILES,
  parseMergedCursor,
  type FilePosition,
} from '../src/core/merged-cursor.js'

const pos = (cursor: string, k = 0): FilePosition => ({ cursor, k })

describe('merged cursor', () => {
  it('round-trips the per-file cursors in order, k only when not 0', () => {
    const m = new Map([
      ['a.log', pos('1234-0123456789abcd', 3)],
      ['b.log', pos('')],
      ['c-2', pos('0-ffffffffffffff')],
    ])
    const text = formatMergedCursor(m)
    expect(text).toBe('*a.log=1234-0123456789abcd+3,b.log=,c-2=0-ffffffffffffff')
    expect(isMergedCursor(text)).toBe(true)
    expect([...(parseMergedCursor(text) as Map<string, FilePosition>)]).toEqual([...m])
    expect(parseMergedCursor('*')).toEqual(new Map())
  })

  it.each([
    '',
    'a=1-00',
    '*a',
    '*a=1-0+x',
    '*a=1-0+01',
    '*a=+3',
    '*a=1-0,a=2-0',
    '*a b=1-0',
    '*a=1-0\n',
    '*a=1-0+99999999999',
    '*' + 'a=1-0,'.repeat(2000),
  ])('rejects %j', (text) => {
    expect(parseMergedCursor(text)).toBeNull()
  })

  it('takes at most MAX_MERGED_FILES files', () => {
    const many = (n: number) =>
      '*' + Array.from({ length: n }, (_, i) => `f${i}=1-0123456789abcd`).join(',')
    expect(parseMergedCursor(many(MAX_MERGED_FILES))?.size).toBe(MAX_MERGED_FILES)
    expect(parseMergedCursor(many(MAX_MERGED_FILES + 1))).toBeNull()
  })
})
