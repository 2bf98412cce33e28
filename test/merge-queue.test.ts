import { describe, expect, it } from 'vitest'
import { MergeQueue, type FileState, type MergeItem } from '../src/server/merge-queue.js'

const opts = { holdMs: 300, joinHoldMs: 3000, maxBytes: 1 << 20 }
const line = (text: string, k = 0): MergeItem => ({ kind: 'line', text, pos: { cursor: 'c', k } })
const at = (s: number) => `2026-12-01T10:00:${String(s).padStart(2, '0')}Z`
const texts = (out: { item: MergeItem }[]) =>
  out.map((o) => (o.item.kind === 'line' ? o.item.text : `<${o.item.name}>`))
const all = (): FileState => 'live'
const now = Date.parse('2026-12-01T10:00:00Z')

describe('merge queue', () => {
  it('interleaves files by timestamp; lines without one stay after their predecessor', () => {
    const q = new MergeQueue(2, opts)
    for (const t of [`${at(1)} a1`, `${at(3)} a3`, '  at trace', `${at(5)} a5`])
      q.push(0, line(t), 0)
    for (const t of [`${at(2)} b2`, `${at(4)} b4`, `${at(6)} b6`]) q.push(1, line(t), 0)
    // Far later than every stamp and every hold: all may go.
    const out = q.take(10_000, now + 60_000, all, Infinity)
    expect(texts(out)).toEqual([
      `${at(1)} a1`,
      `${at(2)} b2`,
      `${at(3)} a3`,
      '  at trace',
      `${at(4)} b4`,
      `${at(5)} a5`,
      `${at(6)} b6`,
    ])
    expect(out.map((o) => o.file)).toEqual([0, 1, 0, 0, 1, 0, 1])
    expect(q.empty).toBe(true)
    expect(q.bytes).toBe(0)
  })

  it('holds a fresh line while another live file has none queued, up to holdMs', () => {
    const q = new MergeQueue(2, opts)
    const wall = now + 1000
    q.push(0, line(`${at(1)} a`), 100)
    expect(q.take(200, wall, all, Infinity)).toEqual([])
    expect(texts(q.take(400, wall, all, Infinity))).toEqual([`${at(1)} a`])
  })

  it('lets a line go at once when every other file has an earlier-or-later line queued', () => {
    const q = new MergeQueue(2, opts)
    const wall = now + 1000
    q.push(0, line(`${at(1)} a`), 100)
    q.push(1, line(`${at(0)} b`), 100)
    // b is earliest and a is queued: b goes; then a waits for b's next line.
    expect(texts(q.take(100, wall, all, Infinity))).toEqual([`${at(0)} b`])
  })

  it('an old line does not wait for a live file, but waits for one still joining', () => {
    const q = new MergeQueue(2, opts)
    q.push(0, line(`${at(1)} old`), 100)
    const joining = (j: number): FileState => (j === 1 ? 'joining' : 'live')
    expect(q.take(100, now + 60_000, joining, Infinity)).toEqual([])
    expect(texts(q.take(100, now + 60_000, all, Infinity))).toEqual([`${at(1)} old`])
    q.push(0, line(`${at(2)} old2`), 100)
    expect(texts(q.take(3200, now + 60_000, joining, Infinity))).toEqual([`${at(2)} old2`])
  })

  it('a file that is done blocks nothing', () => {
    const q = new MergeQueue(2, opts)
    q.push(0, line(`${at(1)} a`), 100)
    const done = (j: number): FileState => (j === 1 ? 'done' : 'live')
    expect(texts(q.take(100, now, done, Infinity))).toHaveLength(1)
  })

  it('past maxBytes held the earliest goes anyway: memory stays bounded', () => {
    const q = new MergeQueue(2, { ...opts, maxBytes: 100 })
    for (let i = 0; i < 10; i++) q.push(0, line(`${at(i)} ${'x'.repeat(20)}`), 0)
    const out = q.take(0, now, all, Infinity)
    expect(out.length).toBeGreaterThan(0)
    expect(q.bytes).toBeLessThanOrEqual(100)
  })

  it('takes at most maxBytes per call, in order, and keeps events in their place', () => {
    const q = new MergeQueue(1, opts)
    for (let i = 0; i < 100; i++) q.push(0, line(`${at(i % 60)} ${i}`), 0)
    q.push(0, { kind: 'event', name: 'rotate', data: {}, pos: { cursor: 'r', k: 0 } }, 0)
    const first = q.take(0, now, all, 500)
    expect(first.length).toBeLessThan(100)
    const rest = q.take(0, now, all, Infinity)
    expect(texts(first.concat(rest)).at(-1)).toBe('<rotate>')
    expect(first.length + rest.length).toBe(101)
  })
})
