import { describe, expect, it } from 'vitest'
import { stamps, takeNewest } from '../src/server/merge-newest.js'

const at = (s: number) => `2026-12-01T10:00:${String(s).padStart(2, '0')}Z`

describe('merged scrollback: the newest lines of all files', () => {
  it('takes the newest `limit` across files, merged oldest first, and says how many of each', () => {
    const a = [`${at(1)} a1`, `${at(4)} a4`, '  at trace', `${at(6)} a6`]
    const b = [`${at(2)} b2`, `${at(3)} b3`, `${at(5)} b5`]
    const t = takeNewest([a, b], 4)
    expect(t.lines).toEqual([`${at(4)} a4`, '  at trace', `${at(5)} b5`, `${at(6)} a6`])
    expect(t.files).toEqual([0, 0, 1, 0])
    expect(t.taken).toEqual([3, 1])
    const all = takeNewest([a, b], 100)
    expect(all.lines).toHaveLength(7)
    expect(all.taken).toEqual([4, 3])
    expect(all.lines[0]).toBe(`${at(1)} a1`)
  })

  it('lines without a time keep their predecessor’s; leading ones count as oldest', () => {
    expect(stamps(['no time', `${at(1)} x`, 'cont'])).toEqual([
      -Infinity,
      Date.parse(at(1)),
      Date.parse(at(1)),
    ])
    expect(takeNewest([[], []], 5)).toEqual({ lines: [], files: [], taken: [0, 0] })
  })

  it('on equal times the later file goes after the earlier, as in the live merge', () => {
    const t = takeNewest([[`${at(1)} a`], [`${at(1)} b`]], 2)
    expect(t.lines).toEqual([`${at(1)} a`, `${at(1)} b`])
  })
})
