/**
 * @module Skip-ahead sizing, the skipped-range marker and loading a range in its place, without
 * a browser: a fake /api/lines over an array of numbered lines stands in for the server.
 */
import { describe, expect, it } from 'vitest'
import type { LinesJson } from '../src/core/protocol.js'
import { compileFilter, EMPTY_FILTER_SPEC } from '../web/src/filter.js'
import { RingBuffer } from '../web/src/ring-buffer.js'
import {
  DEFAULT_LINE_BYTES,
  LineSizeEstimate,
  MAX_SKIP,
  MIN_SKIP,
  SKIP_SHARE,
  skipBytes,
} from '../web/src/skip-size.js'
import { humanBytes, loadRange, skippedLabel, type RangeApi } from '../web/src/skipped-range.js'
import { LineStore } from '../web/src/store.js'

describe('skip sizing', () => {
  it('asks for most of what the ring holds: cap × average line, within a floor and a ceiling', () => {
    const est = new LineSizeEstimate()
    expect(est.average).toBe(DEFAULT_LINE_BYTES)
    est.observe(['x'.repeat(99), 'y'.repeat(199)])
    expect(est.average).toBe(150)
    expect(skipBytes(100_000, est.average)).toBe(15_000_000 * SKIP_SHARE)
    expect(skipBytes(100, est.average)).toBe(MIN_SKIP)
    expect(skipBytes(500_000, 4096)).toBe(MAX_SKIP)
    expect(skipBytes(100_000, Infinity)).toBe(MAX_SKIP)
    expect(MIN_SKIP).toBeGreaterThanOrEqual(65536)
  })

  it('stays an average of recent lines over a long session', () => {
    const est = new LineSizeEstimate()
    for (let i = 0; i < 30; i++) est.observe(Array.from({ length: 50_000 }, () => 'a'.repeat(9)))
    expect(est.average).toBeCloseTo(10)
  })
})

describe('skipped marker', () => {
  it('says the size in human units, and what is going on', () => {
    expect(humanBytes(512)).toBe('512 B')
    expect(humanBytes(1500)).toBe('1.5 kB')
    expect(humanBytes(312_400_000)).toBe('312 MB')
    expect(humanBytes(2_600_000_000)).toBe('2.6 GB')
    const range = { from: 'a', to: 'b', bytes: 312_400_000 }
    expect(skippedLabel({ range })).toBe('312 MB skipped ·')
    expect(skippedLabel({ range, loading: true })).toBe('312 MB skipped · loading…')
    expect(skippedLabel({ range, note: 'could not load: gone' })).toBe(
      '312 MB skipped · could not load: gone'
    )
    expect(skippedLabel({ range: { from: '', to: '', bytes: 10 } })).toMatch(/not loadable/)
  })
})

/** /api/lines over lines l0..l(n-1); cursor `c<i>` is the position just before line i. */
function fakeApi(n: number, maxPage = 1000) {
  const text = (i: number) => `line ${i}`
  const at = (c: string) => Number(c.slice(1))
  const calls: string[] = []
  const page = (from: number, to: number, more: boolean): LinesJson => ({
    file: '0',
    lines: Array.from({ length: to - from }, (_, i) => text(from + i)),
    first: `c${from}`,
    last: `c${to}`,
    more,
    atStart: from === 0,
  })
  const api: RangeApi = {
    async linesAfter(_f, after, until, limit) {
      calls.push(`after ${after} until ${until} limit ${limit}`)
      const from = at(after)
      const to = Math.min(at(until), from + Math.min(limit, maxPage))
      return page(from, to, to < at(until))
    },
    async lines(_f, before, limit) {
      calls.push(`before ${before} limit ${limit}`)
      const to = at(before)
      const from = Math.max(0, to - Math.min(limit, maxPage))
      return page(from, to, from > 0)
    },
  }
  return { api, calls, text, n }
}

const all = (r: { pages: LinesJson[] }) => r.pages.flatMap((p) => p.lines)
const nums = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `line ${from + i}`)

describe('loadRange', () => {
  it('loads a range that fits, page by page, in file order', async () => {
    const { api, calls } = fakeApi(10_000, 300)
    const r = await loadRange(api, '0', { from: 'c100', to: 'c1100', bytes: 9000 }, 5000, 400)
    expect(all(r)).toEqual(nums(100, 1100))
    expect(r.rest).toBeUndefined()
    expect(calls[0]).toBe('after c100 until c1100 limit 400')
    expect(calls.every((c) => c.startsWith('after'))).toBe(true)
  })

  it('loads the newest part of a range larger than the room, and keeps the rest as a range', async () => {
    const { api } = fakeApi(100_000, 700)
    const range = { from: 'c1000', to: 'c50000', bytes: 600_000 }
    const r = await loadRange(api, '0', range, 2500, 1000)
    expect(all(r)).toEqual(nums(47_500, 50_000))
    const loadedBytes = nums(47_500, 50_000).reduce((n, l) => n + l.length + 1, 0)
    expect(r.rest).toEqual({ from: 'c1000', to: 'c47500', bytes: 600_000 - loadedBytes })
  })

  it('with no room loads nothing and keeps the whole range', async () => {
    const { api, calls } = fakeApi(100)
    const range = { from: 'c1', to: 'c50', bytes: 500 }
    expect(await loadRange(api, '0', range, 0)).toEqual({ pages: [], rest: range })
    expect(calls).toEqual([])
  })
})

describe('loaded range in the store', () => {
  it('replaces the marker in place; the oldest lines make room, the newer ones stay', () => {
    const s = new LineStore(6)
    s.append(['a', 'b'], 'c2')
    s.skipped({ from: 'c2', to: 'c10', bytes: 80 })
    s.append(['j', 'k'], 'c12')
    const marker = s.row(2)
    expect(marker?.skipped?.range.to).toBe('c10')
    const at = s.positionOf(marker as NonNullable<typeof marker>)
    expect(s.after(at)).toBe(2)
    const loaded = ['g', 'h', 'i'].map((text, i) => ({ text, cursor: 'c10', back: 2 - i }))
    expect(s.replaceAt(at, loaded)).toBe(1)
    const texts = Array.from({ length: s.count }, (_, i) => s.row(i)?.text)
    expect(texts).toEqual(['b', 'g', 'h', 'i', 'j', 'k'])
    expect(s.row(3)).toMatchObject({ cursor: 'c10', back: 0 })
  })

  it('keeps the filtered view right when a loaded range comes in', () => {
    const s = new LineStore(10)
    s.append(['x1', 'y1'], 'c2')
    s.skipped({ from: 'c2', to: 'c6', bytes: 12 })
    s.append(['x6'], 'c7')
    s.setFilter(compileFilter({ ...EMPTY_FILTER_SPEC, text: 'x' }))
    const marker = s.row(1)
    expect(marker?.skipped).toBeDefined()
    const loaded = ['x3', 'y4', 'x5'].map((text, i) => ({ text, cursor: 'c6', back: 2 - i }))
    s.replaceAt(s.positionOf(marker as NonNullable<typeof marker>), loaded)
    expect(Array.from({ length: s.count }, (_, i) => s.row(i)?.text)).toEqual([
      'x1',
      'x3',
      'x5',
      'x6',
    ])
    expect(s.total).toBe(6)
  })

  it('ring splice keeps order and the cap', () => {
    const r = new RingBuffer<number>(5)
    for (let i = 0; i < 7; i++) r.push(i) // holds 2..6, wrapped
    expect(r.splice(1, 1, [30, 31, 32])).toBe(2)
    expect(r.toArray()).toEqual([31, 32, 4, 5, 6])
    r.push(7)
    expect(r.toArray()).toEqual([32, 4, 5, 6, 7])
    expect(r.unshift(1)).toBe(false)
  })
})
