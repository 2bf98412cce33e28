/**
 * The pure parts, without a server: entry wire format, id numbering (epochs, prev lines,
 * renumbering), and how an edge turns a broken chain into a gap event.
 */
import { describe, expect, it } from 'vitest'
import type { FollowEvent, LogLine } from '../src/core/types.js'
import { EdgeSource } from '../src/redis/edge/source.js'
import { compareIds, decodeEntry, encodeEntry, idAt, parseId } from '../src/redis/protocol.js'
import { EntryBuilder } from '../src/redis/watcher/numbering.js'

const cur = (o: number) => `${o}-${o.toString(16).padStart(14, '0')}`
const lines = (start: number, ...texts: string[]) => {
  let at = start
  const out = texts.map((text) => {
    const l: LogLine = { text, offset: at }
    at += text.length + 1
    return l
  })
  return { type: 'lines' as const, lines: out, start, end: at, cursor: cur(at) }
}

describe('redis entries', () => {
  it('round-trips through the wire format, flags and fingerprints included', () => {
    const b = new EntryBuilder(() => 1000)
    b.begin('start', { gen: 1, offset: 0, cursor: cur(0) }, 5)
    const ev = lines(0, 'a', 'b\u2028"x"', '')
    ev.lines[1]!.cont = true
    const [e] = b.lines(ev, ['f1', '', 'f3'], 7)
    const wire = encodeEntry(e!)
    expect(decodeEntry(e!.id, wire)).toEqual(e)
  })

  it('numbers entries: offsets in the id, prev lines after the head, new epochs on markers', () => {
    let now = 5000
    const b = new EntryBuilder(() => now)
    const s = b.begin('start', { gen: 1, offset: 10, cursor: cur(10) }, 0)
    expect(s.id).toBe(idAt(5000, 10))
    const [a] = b.lines(lines(10, 'one', 'two'), [], 0)
    expect(a!.id).toBe(idAt(5000, 18))
    expect(a).toMatchObject({ prevCursor: cur(10), headBefore: cur(10), cursor: cur(18) })
    const r = b.marker({ type: 'rotated', reason: 'renamed', cursor: cur(0) }, 0)
    expect(parseId(r.id).epoch).toBe(5001) // strictly after, even in the same millisecond
    const [p1] = b.lines({ ...lines(18, 'late'), previous: true }, [], 0)
    const [p2] = b.lines({ ...lines(23, 'later'), previous: true }, [], 0)
    const [n] = b.lines(lines(0, 'new'), [], 0)
    const ids = [s, a!, r, p1!, p2!, n!].map((e) => e.id)
    expect([...ids].sort(compareIds)).toEqual(ids)
    expect(p1).toMatchObject({ type: 'prev', headBefore: cur(0), prevCursor: r.cursor })
    expect(n).toMatchObject({ headBefore: cur(0), prevCursor: p2!.cursor })
    now = 1 // a clock going backwards still moves epochs forward
    const t = b.marker(
      { type: 'truncated', reason: 'size', oldOffset: 4, size: 0, cursor: cur(0) },
      0
    )
    expect(parseId(t.id).epoch).toBe(5002)
    expect(() => b.lines(lines(0), [], 0)).toThrow(/would not follow/)
  })

  it('an edge reports a broken chain once, as a gap, and keeps going', () => {
    const b = new EntryBuilder(() => 7000)
    const all = [b.begin('start', { gen: 1, offset: 0, cursor: cur(0) }, 0)]
    for (const t of ['a', 'b', 'c']) all.push(...b.lines(lines(all.at(-1)!.end, t), [], 0))
    const src = new EdgeSource('f', '/f', 'k', null as never)
    const got: FollowEvent[] = []
    src.subscribe((e) => void got.push(e))
    src.live.seed([all[0]!])
    src.live.apply([all[1]!, all[3]!]) // all[2] lost
    expect(got.map((e) => e.type)).toEqual(['lines', 'truncated', 'lines'])
    expect(got[1]).toMatchObject({ reason: 'gap', oldOffset: 2, size: 4, cursor: all[2]!.cursor })
    expect(src.position().cursor).toBe(all[3]!.cursor)
    expect(src.stats.gaps).toBe(1)
  })

  it('a re-published entry an edge already delivered is skipped, one that straddles its head is cut', () => {
    const b = new EntryBuilder(() => 9000)
    const all = [b.begin('start', { gen: 1, offset: 0, cursor: cur(0) }, 0)]
    for (const t of ['a', 'b']) all.push(...b.lines(lines(all.at(-1)!.end, t), [], 0))
    const src = new EdgeSource('f', '/f', 'k', null as never)
    const got: FollowEvent[] = []
    src.subscribe((e) => void got.push(e))
    src.live.seed([all[0]!])
    src.live.apply([all[1]!, all[2]!]) // a, b delivered: head at 4
    // After a failover the watcher re-reads the file from an older top in other batches:
    // [a] again, then [b, c, d] straddling the head.
    const again = new EntryBuilder(() => 9000)
    again.restore(all[0]!)
    const [ra] = again.lines(lines(0, 'a'), [], 0)
    const [rbcd] = again.lines(lines(2, 'b', 'c', 'd'), [], 0)
    src.live.rewind(all[0]!.id)
    src.live.apply([ra!, rbcd!])
    const texts = got.flatMap((e) => (e.type === 'lines' ? e.lines.map((l) => l.text) : []))
    expect(texts).toEqual(['a', 'b', 'c', 'd'])
    expect(got.map((e) => e.type)).toEqual(['lines', 'lines', 'lines'])
    expect(src.stats).toMatchObject({ gaps: 0, replayed: 2 })
    expect(src.position().cursor).toBe(rbcd!.cursor)
    expect(got[2]).toMatchObject({ start: 4, end: 8 })
  })
})
