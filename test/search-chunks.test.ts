/**
 * Issue 11: history search finds exactly the lines grep finds, in the same order, wherever the
 * read boundaries fall: random line lengths and read sizes, lines at and across boundaries,
 * longer than a read, CRLF, invalid UTF-8, matches in the first and last lines.
 */
import { describe, expect, it } from 'vitest'
import { compilePlan } from '../src/history/search-plan.js'
import { oracle, scanAll } from './helpers/memory-history.js'

/** mulberry32: a seeded PRNG, so a failure names the seed that reproduces it. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const enc = new TextEncoder()
const WORDS = [
  'ERROR',
  'error',
  'Error',
  'warn',
  'id=42',
  'Straße',
  'É',
  'é',
  'KELVIN',
  'x',
  ' ',
  'ab',
]
const BYTES = [[0xff], [0xf0, 0x9f, 0x98], [0x80], [0x00], [0x0d], [0xe2, 0x84, 0xaa], [0xc5, 0xbf]]

/** A random history: short and long lines, CRLF, bad bytes, sometimes no final newline. */
function history(rand: () => number): Uint8Array {
  const parts: number[] = []
  const lines = 1 + Math.floor(rand() * 60)
  for (let i = 0; i < lines; i++) {
    const len = rand() < 0.1 ? Math.floor(rand() * 3000) : Math.floor(rand() * 40)
    while (parts.length < len + parts.length && len > 0) {
      const r = rand()
      if (r < 0.3) parts.push(...enc.encode(WORDS[Math.floor(rand() * WORDS.length)] as string))
      else if (r < 0.38) parts.push(...(BYTES[Math.floor(rand() * BYTES.length)] as number[]))
      else parts.push(97 + Math.floor(rand() * 26))
      if (rand() < 1 / Math.max(1, len / 4)) break
    }
    if (rand() < 0.2) parts.push(0x0d)
    if (i < lines - 1 || rand() < 0.8) parts.push(0x0a)
  }
  return Uint8Array.from(parts)
}

const QUERIES: [string, boolean, boolean][] = [
  ['ERROR', false, false],
  ['error', false, true],
  ['kelvin', false, true],
  ['straße', false, true],
  ['é', false, true],
  ['x', false, false],
  ['ab', false, false],
  ['a\r', false, false],
  ['^x', true, false],
  ['x$', true, false],
  ['[kx]$', true, false],
  ['^$', true, false],
  ['E(RR|rr)OR', true, false],
  ['[a-z]+id=42', true, false],
  ['err.*warn', true, true],
  ['\\s+', true, false],
  ['^[^E]*$', true, false],
  ['é', true, true],
  ['(?i)error\\b', true, false],
  ['a*', true, false],
  ['\\Aab', true, false],
  ['k\\z', true, false],
]

describe('chunked search equals grep', () => {
  it('random histories, random read sizes, every kind of query', async () => {
    const t0 = Date.now()
    let cases = 0
    for (let seed = 1; seed <= 150 && Date.now() - t0 < 20_000; seed++) {
      const rand = rng(seed)
      const data = history(rand)
      const chunkBytes = 1 + Math.floor(rand() * 4096)
      for (const [q, regex, icase] of QUERIES) {
        const plan = compilePlan(q, regex, icase)
        // Pages of a few matches' text, at times: the scan resumes inside a region.
        const maxText = seed % 3 === 0 ? 1 + Math.floor(rand() * 200) : Infinity
        const got = await scanAll(data, plan, { chunkBytes, maxBytes: 1 << 20 }, undefined, maxText)
        const want = oracle(data, q, regex, icase)
        const where = `seed ${seed}, chunk ${chunkBytes}, q ${JSON.stringify(q)} (${plan.strategy})`
        expect(
          got.map((h) => [h.text, h.end]),
          where
        ).toEqual(want.map((h) => [h.text, h.end]))
        cases++
      }
    }
    expect(cases).toBeGreaterThan(1000)
  })

  it('every read size over a fixed history with matches in the first and last lines', async () => {
    const text = 'needle first\nno\r\n' + 'pad '.repeat(30) + 'needle\nx\n\nneedle last'
    const data = enc.encode(text)
    const want = oracle(data, 'needle', false, false)
    expect(want.map((h) => h.text)).toEqual([
      'needle last',
      'pad '.repeat(30) + 'needle',
      'needle first',
    ])
    for (let chunkBytes = 1; chunkBytes <= data.length + 1; chunkBytes++) {
      const got = await scanAll(data, compilePlan('needle', false, false), { chunkBytes })
      expect(
        got.map((h) => [h.text, h.end]),
        `chunk ${chunkBytes}`
      ).toEqual(want.map((h) => [h.text, h.end]))
    }
  })

  it('a needle split across two reads at every point is still found', async () => {
    const needle = 'START-needle-END'
    for (let k = 1; k < needle.length; k++) {
      const head = 'a'.repeat(50 - k)
      const data = enc.encode(`x\n${head}${needle}tail\ny\n`)
      // The second read ends k bytes into the needle: reads of (bytes after the split).
      const chunkBytes = data.length - 2 - head.length - k
      const got = await scanAll(data, compilePlan(needle, false, false), { chunkBytes })
      expect(
        got.map((h) => h.text),
        `split ${k}`
      ).toEqual([`${head}${needle}tail`])
    }
  })

  it('case-insensitive: RE2 folds K and S to U+212A and U+017F, before and after the lead', async () => {
    const lines = [
      '\u212aelvin',
      'kelvi\u212a',
      'KELVIN',
      'kel',
      'ma\u017fk',
      'MASK',
      'mas\u212a',
      'task',
    ]
    const data = enc.encode(lines.map((l) => `${l}\n`).join(''))
    for (const q of ['kelvin', 'mask', 'ask', 'elvin']) {
      for (const chunkBytes of [3, 64]) {
        const got = await scanAll(data, compilePlan(q, false, true), { chunkBytes })
        const want = oracle(data, q, false, true)
        expect(
          got.map((h) => h.text),
          `${q} / ${chunkBytes}`
        ).toEqual(want.map((h) => h.text))
      }
    }
    expect(oracle(data, 'kelvin', false, true)).toHaveLength(2)
  })

  it('CRLF: `$` matches before the stripped \\r, and no \\r is returned', async () => {
    const data = enc.encode('foo\r\nbar foo\r\nfoo bar\r\n')
    const got = await scanAll(data, compilePlan('foo$', true, false), { chunkBytes: 7 })
    expect(got.map((h) => h.text)).toEqual(['bar foo', 'foo'])
  })

  it('the issue: 400 lines of 5 KB, START.*END and ^x over 256 KiB reads', async () => {
    const lines = Array.from(
      { length: 400 },
      (_, i) => `START-${String(i).padStart(4, '0')}-${'x'.repeat(5000)}-END`
    )
    const data = enc.encode(lines.map((l) => l + '\n').join(''))
    const opts = { chunkBytes: 256 * 1024 }
    const all = await scanAll(data, compilePlan('START.*END', true, false), opts)
    expect(all.map((h) => h.text)).toEqual([...lines].reverse())
    expect(await scanAll(data, compilePlan('^x', true, false), opts)).toEqual([])
  })
})

describe('lines longer than a read', () => {
  it('grow the read: one match per line, the whole line, cursor at its end', async () => {
    const long = 'z'.repeat(10_000) + 'needle' + 'z'.repeat(10_000)
    const data = enc.encode(`a\n${long}\nb needle\n`)
    const got = await scanAll(data, compilePlan('needle', false, false), { chunkBytes: 100 })
    expect(got).toEqual([
      { text: 'b needle', end: data.length, truncated: false },
      { text: long, end: 2 + long.length + 1, truncated: false },
    ])
  })

  it('past the follower limit: the piece where the match is, flagged truncated', async () => {
    const long = 'z'.repeat(1000) + 'needle' + 'z'.repeat(3000)
    const data = enc.encode(`${long}\n`)
    const [hit] = await scanAll(data, compilePlan('needle', false, false), { chunkBytes: 64 }, 256)
    expect(hit?.truncated).toBe(true)
    expect(hit?.end).toBe(data.length)
    expect(hit?.text).toHaveLength(256)
    expect(hit?.text).toContain('needle'.slice(0, 1))
  })

  it('past the longest region: pieces, still one match, cursor at the end of the line', async () => {
    const long = ('needle ' + 'z'.repeat(500)).repeat(40)
    const data = enc.encode(`first\n${long}\nlast\n`)
    const got = await scanAll(data, compilePlan('needle', false, false), {
      chunkBytes: 256,
      maxBytes: 1024,
    })
    expect(got).toHaveLength(1)
    expect(got[0]?.end).toBe(6 + long.length + 1)
    expect(got[0]?.truncated).toBe(true)
  })
})
