/**
 * Fan-out in slices (src/server/fan-out.ts), driven turn by turn: the broadcaster's schedule
 * is a queue the test runs by hand, so a flush can be made in the middle of a round.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { Broadcaster } from '../src/server/broadcaster.js'
import type { SseSink } from '../src/server/sink.js'
import { FakeSource } from './helpers/fake-source.js'
import { SseParser } from './helpers/sse.js'

const hubs: Broadcaster[] = []
afterEach(() => {
  for (const h of hubs.splice(0)) h.close()
})

/** A client that reads at once and keeps every write apart. */
function recorder() {
  const writes: Uint8Array[] = []
  const sink: SseSink = {
    write: (b) => (writes.push(b), true),
    bufferedBytes: 0,
    close() {},
    destroy() {},
    onDrain() {},
    onClose() {},
  }
  const lines = () => {
    const p = new SseParser()
    for (const w of writes) p.feed(w)
    return p.events
      .filter((e) => e.event === 'update')
      .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines)
  }
  /** Writes that carried lines (the join's retry and init are not counted). */
  const updates = () =>
    writes.filter((w) => new TextDecoder().decode(w).includes('event: update')).length
  return { sink, writes, lines, updates }
}

function setup(
  clients: number,
  sliceClients: number,
  maxInFlight?: number,
  maxEventBytes?: number
) {
  const turns: (() => void)[] = []
  const src = new FakeSource('app', { content: 'start\n', maxInFlight })
  const h = new Broadcaster(src, {
    sliceClients,
    schedule: (fn) => turns.push(fn),
    maxPaceMs: 0, // no rest on a real timer: every turn is in `turns`
    ...(maxEventBytes ? { maxEventBytes } : {}),
    onError: (e) => console.error(e),
  })
  hubs.push(h)
  const cs = Array.from({ length: clients }, () => recorder())
  // Resuming at the head joins synchronously: nothing to read, every client live at once.
  for (const c of cs) h.attach(c.sink, { lines: 0, cursor: h.headId })
  const turn = () => (turns.shift() as () => void)()
  // The reader's promises settle in microtasks: let them run between turns.
  const settle = async () => {
    for (let n = 0; ; n++) {
      await new Promise((r) => setImmediate(r))
      if (turns.length === 0) return
      if (n > 1000) throw new Error('turns never end')
      turn()
    }
  }
  return { src, h, cs, turns, turn, settle }
}

describe('fan-out in slices', () => {
  it('a flush made during a round reaches the clients it has not reached, merged; the rest next round', async () => {
    const { src, cs, turns, turn, settle } = setup(5, 2)
    src.append('a1\n')
    turn() // the pacer's flush: flush 1, and the round's first slice (clients 1, 2)
    expect(cs.map((c) => c.updates())).toEqual([1, 1, 0, 0, 0])
    src.append('a2\n') // made while the round is under way
    while (turns.length > 0 && cs[4]!.updates() === 0) turn()
    // Client 5 was reached after flush 2 was made: both lines in one write.
    expect(cs[4]!.updates()).toBe(1)
    expect(cs[4]!.lines()).toEqual(['a1', 'a2'])
    await settle()
    for (const c of cs) expect(c.lines()).toEqual(['a1', 'a2'])
    // Every client got each line once; the early ones in two writes.
    expect(cs.map((c) => c.updates())).toEqual([2, 2, 2, 2, 1])
  })

  it('a round under way lets the reader read on: what it reads joins the round', async () => {
    // One batch in flight: the reader waits for each batch's promise before the next.
    const { src, cs, turn, settle } = setup(4, 1, 1)
    src.append('f1\n')
    turn() // flush 1, client 1
    src.append('f2\n') // in the file until the reader is let go
    await new Promise((r) => setImmediate(r)) // the promise settles, the reader reads f2
    await settle()
    // The round's next slice (client 2) was queued before the flush of f2; clients 3 and 4 were
    // reached after it: both lines in one write. Held until the round's end, f2 would have
    // reached every client in a write of its own.
    expect(cs.map((c) => c.updates())).toEqual([2, 2, 1, 1])
    for (const c of cs) expect(c.lines()).toEqual(['f1', 'f2'])
  })

  it('flushes are merged into one write only up to one event budget', async () => {
    const { src, cs, turns, turn, settle } = setup(3, 1, undefined, 400)
    const long = (tag: string) => `${tag} ${'y'.repeat(250)}`
    src.append(`${long('g1')}\n`)
    turn() // flush 1, client 1
    src.append(`${long('g2')}\n`)
    while (turns.length > 0 && cs[2]!.updates() === 0) turn()
    await settle()
    // Client 3 was owed both flushes; together they pass 400 bytes: two writes, not one.
    expect(cs[2]!.updates()).toBe(2)
    for (const c of cs) expect(c.lines()).toEqual([long('g1'), long('g2')])
  })

  it('with no more clients than a slice, a flush is one synchronous loop', () => {
    const { src, cs, turn } = setup(3, 3)
    src.append('b1\n')
    turn()
    expect(cs.map((c) => c.lines())).toEqual([['b1'], ['b1'], ['b1']])
  })

  it('a client that joins mid-round gets only what comes after it joined, once', async () => {
    const { src, h, cs, turn, settle } = setup(4, 1)
    src.append('c1\n')
    turn() // flush 1; client 1 reached
    const late = recorder()
    h.attach(late.sink, { lines: 0, cursor: h.headId })
    src.append('c2\n')
    await settle()
    expect(late.lines()).toEqual(['c2'])
    for (const c of cs) expect(c.lines()).toEqual(['c1', 'c2'])
  })

  it('closing mid-round gives every client what it is owed first', () => {
    const { src, h, cs, turn } = setup(4, 1)
    src.append('d1\n')
    turn()
    src.append('d2\n')
    h.close()
    for (const c of cs) expect(c.lines()).toEqual(['d1', 'd2'])
  })

  it('lines appended at every turn of a long round all arrive, once, in order', async () => {
    const { src, cs, turns, turn, settle } = setup(50, 3)
    for (let n = 0; n < 60; n++) {
      src.append(`e${n}\n`)
      if (turns.length > 0) turn()
      if (n % 7 === 0) await new Promise((r) => setImmediate(r))
    }
    await settle()
    const all = Array.from({ length: 60 }, (_, i) => `e${i}`)
    for (const c of cs) expect(c.lines()).toEqual(all)
  })
})
