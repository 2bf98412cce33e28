/**
 * Property tests: random bytes cut into random chunks never lose, duplicate or reorder a line,
 * and cursors round-trip.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatCursor, parseCursor } from '../src/core/cursor.js'
import { LineSplitter } from '../src/core/line-splitter.js'
import { concat, encodeEvent, HEARTBEAT } from '../src/server/sse-frame.js'
import { SseParser } from './helpers/sse.js'

const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** The reference: split the whole input at once, the obvious way. */
function reference(bytes: Uint8Array): string[] {
  const out: string[] = []
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue
    let end = i
    if (end > start && bytes[end - 1] === 0x0d) end--
    out.push(decoder.decode(bytes.subarray(start, end)))
    start = i + 1
  }
  return out
}

/** Bytes biased towards newlines, CRs and multi-byte UTF-8 so the edges get exercised. */
const logBytes = fc
  .array(
    fc.oneof(
      fc.constantFrom(0x0a, 0x0d, 0x00, 0xff, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80),
      fc.integer({ min: 0x20, max: 0x7e })
    ),
    { maxLength: 600 }
  )
  .map((a) => Uint8Array.from(a))

function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const out: Uint8Array[] = []
  let at = 0
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(at, p))
    at = p
  }
  return out
}

describe('properties', () => {
  it('any chunking gives the same lines, offsets contiguous', () => {
    fc.assert(
      fc.property(logBytes, fc.array(fc.nat(), { maxLength: 40 }), (bytes, cuts) => {
        const s = new LineSplitter(0, { maxLineBytes: 1 << 20 })
        const lines = chunked(bytes, cuts).flatMap((c) => s.push(c))
        expect(lines.map((l) => l.text)).toEqual(reference(bytes))
        const lastNl = bytes.lastIndexOf(0x0a)
        expect(s.offset).toBe(lastNl + 1)
        let expectAt = 0
        for (const l of lines) {
          expect(l.offset).toBe(expectAt)
          expectAt = bytes.indexOf(0x0a, expectAt) + 1
        }
      }),
      { numRuns: 500 }
    )
  })

  it('long lines are cut into pieces that partition the line, whatever the chunking', () => {
    fc.assert(
      fc.property(
        logBytes,
        fc.array(fc.nat(), { maxLength: 40 }),
        fc.integer({ min: 4, max: 40 }),
        (bytes, cuts, max) => {
          const s = new LineSplitter(0, { maxLineBytes: max })
          const pieces = chunked(bytes, cuts).flatMap((c) => s.push(c))
          // Group pieces into lines: a line ends at the first piece without `cont`.
          const lines: (typeof pieces)[] = [[]]
          for (const p of pieces) {
            lines.at(-1)!.push(p)
            if (!p.cont) lines.push([])
          }
          lines.pop()
          let start = 0
          for (const group of lines) {
            const nl = bytes.indexOf(0x0a, start)
            expect(nl).toBeGreaterThanOrEqual(0)
            expect(group[0]!.offset).toBe(start)
            for (let i = 0; i < group.length; i++) {
              const from = group[i]!.offset
              const to = i + 1 < group.length ? group[i + 1]!.offset : nl
              expect(to).toBeGreaterThan(from - (i + 1 === group.length ? 1 : 0))
              let raw = bytes.subarray(from, to)
              if (i + 1 === group.length && raw.at(-1) === 0x0d) raw = raw.subarray(0, -1)
              else expect(raw.length).toBeLessThanOrEqual(max)
              expect(group[i]!.text).toBe(decoder.decode(raw))
            }
            start = nl + 1
          }
          expect(lines.length).toBe(reference(bytes).length)
          expect(s.pendingBytes).toBeLessThanOrEqual(max)
        }
      ),
      { numRuns: 300 }
    )
  })

  it('cursors round-trip and nothing else parses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.stringMatching(/^[0-9a-f]{14}$/),
        (offset, fp) => {
          expect(parseCursor(formatCursor(offset, fp))).toEqual({ offset, fingerprint: fp })
        }
      )
    )
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const p = parseCursor(s)
        if (p) expect(formatCursor(p.offset, p.fingerprint)).toBe(s)
      })
    )
  })

  it('SSE frames: any lines, any chunking of the stream, the client gets the same lines and ids', () => {
    const line = fc.string({ unit: 'binary', maxLength: 80 }) // any code points, CR, LF, NUL...
    const batch = fc.record({
      lines: fc.array(line, { maxLength: 8 }),
      id: fc.stringMatching(/^[0-9]{1,6}-[0-9a-f]{14}$/),
      heartbeat: fc.boolean(),
    })
    fc.assert(
      fc.property(
        fc.array(batch, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (batches, cuts) => {
          const frames = batches.flatMap((b) => {
            const f = encodeEvent('update', { lines: b.lines }, b.id)
            return b.heartbeat ? [HEARTBEAT, f] : [f]
          })
          const bytes = concat(frames)
          const parser = new SseParser()
          for (const chunk of chunked(bytes, cuts)) parser.feed(chunk)
          expect(parser.events.map((e) => e.id)).toEqual(batches.map((b) => b.id))
          const got = parser.events.map((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
          // Lone surrogates cannot survive UTF-8 (U+FFFD, as in a browser); all else is exact.
          const wellFormed = (t: string) => new TextDecoder().decode(new TextEncoder().encode(t))
          expect(got).toEqual(batches.map((b) => b.lines.map(wellFormed)))
        }
      ),
      { numRuns: 300 }
    )
  })
})
