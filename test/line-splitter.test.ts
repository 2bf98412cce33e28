import { describe, expect, it } from 'vitest'
import { LineSplitter, safeCut } from '../src/core/line-splitter.js'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

function splitAll(chunks: Uint8Array[], max = 64 * 1024, start = 0) {
  const s = new LineSplitter(start, { maxLineBytes: max })
  const out = chunks.flatMap((c) => s.push(c))
  return { lines: out, s }
}

describe('LineSplitter', () => {
  it.each([
    ['a\nb\n', ['a', 'b']],
    ['\n\n', ['', '']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['lone\rcr\n', ['lone\rcr']],
    ['double\r\r\n', ['double\r']],
    ['no newline', []],
  ])('splits %j', (input, want) => {
    expect(splitAll([enc(input)]).lines.map((l) => l.text)).toEqual(want)
  })

  it('gives every line its byte offset and keeps the partial for later', () => {
    const { lines, s } = splitAll([enc('ab\ncdé\nxy')], 64, 100)
    expect(lines).toEqual([
      { text: 'ab', offset: 100 },
      { text: 'cdé', offset: 103 },
    ])
    expect(s.offset).toBe(108)
    expect(s.end).toBe(110)
    expect(s.push(enc('z\n'))).toEqual([{ text: 'xyz', offset: 108 }])
  })

  it('handles CRLF split across chunks', () => {
    expect(splitAll([enc('a\r'), enc('\nb\n')]).lines.map((l) => l.text)).toEqual(['a', 'b'])
  })

  it('never splits a multibyte character across chunk boundaries', () => {
    const text = 'é😀x\n'.repeat(20)
    const bytes = enc(text)
    for (let size = 1; size <= 7; size++) {
      const chunks: Uint8Array[] = []
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
      expect(splitAll(chunks).lines.map((l) => l.text)).toEqual(Array(20).fill('é😀x'))
    }
  })

  it('cuts long lines into cont pieces at character boundaries, offsets contiguous', () => {
    const line = 'ab😀'.repeat(10) // 60 bytes
    const { lines } = splitAll([enc(line + '\nok\n')], 16)
    expect(
      lines
        .map((l) => l.text)
        .slice(0, -1)
        .join('')
    ).toBe(line)
    expect(lines.slice(0, -2).every((l) => l.cont)).toBe(true)
    expect(lines.at(-2)?.cont).toBeUndefined()
    for (let i = 1; i < lines.length - 1; i++) {
      const prev = lines[i - 1]!
      expect(lines[i]!.offset).toBe(prev.offset + enc(prev.text).length)
    }
    expect(lines.every((l) => !l.text.includes('\uFFFD'))).toBe(true)
    expect(lines.at(-1)).toEqual({ text: 'ok', offset: 61 })
  })

  it('bounds the memory of a line that never ends', () => {
    const s = new LineSplitter(0, { maxLineBytes: 1024 })
    let pieces = 0
    for (let i = 0; i < 1000; i++) pieces += s.push(new Uint8Array(1000).fill(0x78)).length
    expect(s.pendingBytes).toBeLessThanOrEqual(1024)
    expect(pieces).toBeGreaterThan(900)
  })

  it('flush() returns the unterminated remainder', () => {
    const s = new LineSplitter(0)
    s.push(enc('a\nrest'))
    expect(s.flush()).toEqual({ text: 'rest', offset: 2 })
    expect(s.flush()).toBeNull()
    expect(s.offset).toBe(6)
  })

  it('skips a run of NULs after reset(…, true)', () => {
    const s = new LineSplitter(0)
    s.reset(0, true)
    expect(s.push(new Uint8Array([0, 0, 0]))).toEqual([])
    expect(s.push(enc('\0x\n'))).toEqual([{ text: 'x', offset: 4 }])
    expect(s.push(enc('\0y\n'))).toEqual([{ text: '\0y', offset: 6 }])
  })

  it('safeCut backs up over continuation bytes and a trailing CR', () => {
    expect(safeCut(enc('aé'), 0, 2)).toBe(1)
    expect(safeCut(enc('ab\r\n'), 0, 3)).toBe(2)
    expect(safeCut(enc('abcd'), 0, 2)).toBe(2)
  })
})
