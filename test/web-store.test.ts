import { describe, expect, it } from 'vitest'
import { compileFilter, EMPTY_FILTER_SPEC } from '../web/src/filter.js'
import { LineStore } from '../web/src/store.js'
import { Feed } from '../web/src/feed.js'
import { formatPermalink, parsePermalink } from '../web/src/permalink.js'
import { looksLikeJson, prettyJson } from '../web/src/json-line.js'

const texts = (s: LineStore) => Array.from({ length: s.count }, (_, i) => s.row(i)?.text)
const only = (text: string) => compileFilter({ ...EMPTY_FILTER_SPEC, text })

describe('LineStore', () => {
  it('caps lines, reports trims, and keeps each line’s batch cursor and distance to it', () => {
    const s = new LineStore(3)
    expect(s.append(['a', 'b'], 'c1')).toEqual({ added: 2, trimmed: 0 })
    expect(s.append(['c', 'd'], 'c2')).toEqual({ added: 2, trimmed: 1 })
    expect(texts(s)).toEqual(['b', 'c', 'd'])
    expect(s.row(0)).toMatchObject({ cursor: 'c1', back: 0 })
    expect(s.row(1)).toMatchObject({ cursor: 'c2', back: 1 })
  })

  it('filters what is loaded and what arrives, and trims the filtered view with the ring', () => {
    const s = new LineStore(4)
    s.append(['x1', 'y1', 'x2'])
    s.setFilter(only('x'))
    expect(texts(s)).toEqual(['x1', 'x2'])
    expect(s.append(['y2', 'x3'])).toEqual({ added: 1, trimmed: 1 })
    expect(texts(s)).toEqual(['x2', 'x3'])
    expect(s.total).toBe(4)
    s.setFilter(only(''))
    expect(texts(s)).toEqual(['y1', 'x2', 'y2', 'x3'])
  })

  it('always shows markers, filtered or not', () => {
    const s = new LineStore(10)
    s.setFilter(only('zzz'))
    s.append(['a'])
    s.marker('file rotated')
    expect(texts(s)).toEqual(['file rotated'])
  })

  it('prepends scrollback in file order, filtered, and stops at the cap', () => {
    const s = new LineStore(5)
    s.append(['n1', 'n2'], 'end')
    s.setFilter(only('o'))
    expect(s.prepend(['o1', 'x', 'o2'], 'mid')).toBe(2)
    expect(texts(s)).toEqual(['o1', 'o2'])
    expect(s.prepend(['o0', 'o00'], 'older')).toBe(0) // full: the newest lines stay
    s.setFilter(only(''))
    expect(texts(s)).toEqual(['o1', 'x', 'o2', 'n1', 'n2'])
    expect(s.row(0)).toMatchObject({ cursor: 'mid', back: 2 })
  })

  it('offsets permalinks of scrollback that ends before a known batch', () => {
    const s = new LineStore(10)
    s.append(['i1', 'i2'], 'init')
    s.prepend(['o1', 'o2'], 'init', 2)
    expect(s.row(1)).toMatchObject({ text: 'o2', cursor: 'init', back: 2 })
  })

  it('keeps the filtered index consistent through long runs of trimming', () => {
    const s = new LineStore(1000)
    s.setFilter(only('7'))
    for (let i = 0; i < 20_000; i += 10) s.append(Array.from({ length: 10 }, (_, k) => `l${i + k}`))
    const shown = texts(s)
    expect(shown.every((t) => t?.includes('7'))).toBe(true)
    expect(shown.at(-1)).toBe('l19997')
    expect(shown.length).toBe(
      Array.from({ length: 1000 }, (_, k) => `l${19_000 + k}`).filter((t) => t.includes('7')).length
    )
  })

  it('downloads the shown lines as displayed (no escape codes)', () => {
    const s = new LineStore(10)
    s.append(['\x1b[31mred\x1b[0m', 'plain'])
    expect(s.shownText()).toBe('red\nplain\n')
    s.setFilter(only('nothing'))
    expect(s.shownText()).toBe('')
  })
})

describe('Feed', () => {
  function setup(cap = 10) {
    const shown: string[] = []
    let overflows = 0
    const feed = new Feed(
      { append: (l) => shown.push(...l), notice: (t) => shown.push(`[${t}]`) },
      cap,
      () => overflows++
    )
    return { feed, shown, overflows: () => overflows }
  }

  it('holds lines while paused, counts them, and shows them in order on resume', () => {
    const { feed, shown } = setup()
    feed.batch(['1'], 'c1')
    feed.pause()
    feed.batch(['2', '3'], 'c3')
    feed.notice('rotate', {})
    feed.batch(['4'], 'c4')
    expect(shown).toEqual(['1'])
    expect(feed.held).toBe(3)
    expect(feed.applied).toBe('c1')
    expect(feed.resume()).toBe('done')
    expect(shown).toEqual(['1', '2', '3', '[rotate]', '4'])
    expect(feed.applied).toBe('c4')
  })

  it('past the cap lets held lines go and asks for a refetch from the last shown cursor', () => {
    const { feed, shown, overflows } = setup(3)
    feed.batch(['1'], 'c1')
    feed.pause()
    feed.batch(['2', '3'], 'c3')
    feed.batch(['4', '5'], 'c5')
    feed.batch(['6'], 'c6')
    expect(overflows()).toBe(1)
    expect(feed.overflowed).toBe(true)
    expect(feed.resume()).toBe('refetch')
    expect(feed.applied).toBe('c1')
    expect(shown).toEqual(['1'])
  })
})

describe('permalinks and JSON lines', () => {
  it('round-trips a permalink through the URL hash', () => {
    const hash = formatPermalink({ file: 'a b', cursor: 'g1-200', back: 3 })
    expect(parsePermalink(hash)).toEqual({ file: 'a b', cursor: 'g1-200', back: 3 })
    expect(parsePermalink('#line=x')).toEqual({ file: undefined, cursor: 'x', back: 0 })
    expect(parsePermalink('#nothing')).toBeUndefined()
    expect(parsePermalink('#line=x&back=-4')?.back).toBe(0)
  })

  it('detects and pretty-prints JSON lines, and leaves look-alikes alone', () => {
    expect(looksLikeJson(' {"a":1} ')).toBe(true)
    expect(prettyJson('{"a":[1,2]}')).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
    expect(prettyJson('{not json}')).toBeUndefined()
    expect(prettyJson('plain')).toBeUndefined()
  })
})
