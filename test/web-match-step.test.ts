/** n / N and the page title (issue 12, "Keys", "Tabs"): pure parts. */
import { describe, expect, it } from 'vitest'
import { nextMatch, pageTitle } from '../web/src/match-step.js'

const rows = (xs: string[]) => ({
  count: xs.length,
  row: (i: number) => xs[i],
  hit: (e: string) => e.includes('x'),
})

describe('nextMatch', () => {
  const r = rows(['a', 'x1', 'b', 'x2', 'c'])
  it('goes forward and back from a row, and from either end when there is none', () => {
    expect(nextMatch(r, -1, 1)).toBe(1)
    expect(nextMatch(r, 1, 1)).toBe(3)
    expect(nextMatch(r, 3, 1)).toBe(-1)
    expect(nextMatch(r, -1, -1)).toBe(3)
    expect(nextMatch(r, 3, -1)).toBe(1)
    expect(nextMatch(r, 1, -1)).toBe(-1)
  })
})

describe('pageTitle', () => {
  it('names the file and the unread count', () => {
    expect(pageTitle(undefined, 3)).toBe('taillight')
    expect(pageTitle('app.log', 0)).toBe('app.log · taillight')
    expect(pageTitle('app.log', 1234)).toBe('(1,234) app.log · taillight')
  })
})
