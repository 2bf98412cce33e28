/**
 * The histogram's pure parts (issue 12): a line's timestamp in the page (the forms the server's
 * jump to a time reads), the bucket width from the loaded span, and incremental counts.
 */
import { describe, expect, it } from 'vitest'
import { lineTime } from '../web/src/line-time.js'
import { Buckets, levelSlot, MAX_BARS, pickWidth, widthLabel } from '../web/src/time-buckets.js'

const T = Date.UTC(2026, 11, 1, 10, 0, 0)

describe('lineTime', () => {
  it('reads ISO 8601 with and without a zone (UTC), fractions, and a bracket', () => {
    expect(lineTime('2026-12-01T10:00:00Z INFO x')).toBe(T)
    expect(lineTime('2026-12-01 10:00:00,250 WARN x')).toBe(T + 250)
    expect(lineTime('2026-12-01T12:00:00+02:00 x')).toBe(T)
    expect(lineTime('[2026-12-01T10:00:00.5Z] x')).toBe(T + 500)
  })

  it('reads syslog (the year that is not in the future), common log and JSON fields', () => {
    const now = Date.UTC(2026, 11, 1, 12)
    expect(lineTime('Dec  1 10:00:00 host app: x', now)).toBe(T)
    expect(lineTime('Dec 31 23:00:00 host app: x', now)).toBe(Date.UTC(2025, 11, 31, 23))
    expect(lineTime('127.0.0.1 - - [01/Dec/2026:11:00:00 +0100] "GET /"')).toBe(T)
    expect(lineTime('{"level":"info","time":"2026-12-01T10:00:00Z"}')).toBe(T)
    expect(lineTime(`{"ts":${T / 1000}}`)).toBe(T)
    expect(lineTime(`{"ts":${T}}`)).toBe(T)
  })

  it('gives null for lines without one, and looks only at the head of a long line', () => {
    expect(lineTime('    at com.example.Foo(Foo.java:1)')).toBeNull()
    expect(lineTime('plain words 2026-12-01T10:00:00Z')).toBeNull()
    expect(lineTime('2026-13-01T10:00:00Z bad month')).toBeNull()
    expect(lineTime('x'.repeat(300) + '[01/Dec/2026:11:00:00 +0100]')).toBeNull()
  })
})

describe('buckets', () => {
  it('picks the narrowest width that shows the span in at most MAX_BARS bars', () => {
    expect(pickWidth(T, T + 30_000)).toBe(1000)
    expect(pickWidth(T, T + 177_000)).toBe(5000)
    expect(pickWidth(T, T + 3 * 3600_000)).toBe(5 * 60_000)
    expect(pickWidth(T, T + 400 * 86_400_000)).toBe(7 * 86_400_000)
    expect(pickWidth(T, T + 4000 * 86_400_000)).toBe(28 * 86_400_000)
    for (const span of [1, 59_999, 3_600_000, 86_400_000]) {
      const w = pickWidth(T + 123, T + 123 + span)
      expect(Math.floor((T + 123 + span) / w) - Math.floor((T + 123) / w) + 1).toBeLessThanOrEqual(
        MAX_BARS
      )
    }
    expect(widthLabel(5000)).toBe('5 s')
    expect(widthLabel(120_000)).toBe('2 min')
    expect(widthLabel(3 * 3600_000)).toBe('3 h')
  })

  it('counts by bucket and level as lines come and go, empty buckets included', () => {
    const b = new Buckets()
    b.clear(5000)
    b.add(T, levelSlot('error'))
    b.add(T + 4999, levelSlot('info'))
    b.add(T + 15_000, levelSlot(undefined))
    expect(b.total).toBe(3)
    expect(b.bars(T, T + 15_000)).toEqual([
      { start: T, counts: [1, 0, 1, 0, 0], total: 2 },
      { start: T + 5000, counts: [0, 0, 0, 0, 0], total: 0 },
      { start: T + 10_000, counts: [0, 0, 0, 0, 0], total: 0 },
      { start: T + 15_000, counts: [0, 0, 0, 0, 1], total: 1 },
    ])
    b.add(T, levelSlot('error'), -1)
    b.add(T + 4999, levelSlot('info'), -1)
    expect(b.total).toBe(1)
    expect(b.bars(T, T)).toEqual([{ start: T, counts: [0, 0, 0, 0, 0], total: 0 }])
  })
})
