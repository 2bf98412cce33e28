/**
 * @module The page's frame loop and ingest queue without a browser: slices per frame within a
 * budget, one callback per task per frame, and a queue that never holds much more than the ring.
 */
import { describe, expect, it } from 'vitest'
import type { SkippedEvent } from '../src/core/protocol.js'
import { FrameLoop } from '../web/src/frame-loop.js'
import { Ingest, type IngestSink } from '../web/src/ingest.js'

function fakeClock() {
  let next: ((t: number) => void) | undefined
  let requests = 0
  return {
    clock: {
      request(cb: (t: number) => void) {
        next = cb
        return ++requests
      },
      cancel() {
        next = undefined
      },
    },
    get requests() {
      return requests
    },
    /** Runs the pending frame; false when none was asked for. */
    tick(): boolean {
      const cb = next
      next = undefined
      cb?.(0)
      return cb !== undefined
    },
  }
}

type Applied = { lines: string[] } | { skipped: SkippedEvent } | { notice: string }

function recorder() {
  const out: Applied[] = []
  const lines: string[] = []
  const sink: IngestSink = {
    lines(texts, start, end) {
      const part = texts.slice(start, end)
      lines.push(...part)
      out.push({ lines: part })
    },
    skipped: (range) => out.push({ skipped: range }),
    notice: (type) => out.push({ notice: type }),
  }
  return { out, lines, sink }
}

const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => `l${from + i}`)

describe('FrameLoop', () => {
  it('runs each scheduled task once per frame, in registration order, in one animation frame', () => {
    const f = fakeClock()
    const loop = new FrameLoop(f.clock, () => 0)
    const ran: string[] = []
    const b = loop.task('t', () => void ran.push('b'))
    const a = loop.task('t', () => {
      ran.push('a')
      b.schedule() // an earlier task: next frame
    })
    const c = loop.task('t', () => void ran.push('c'))
    a.schedule()
    a.schedule()
    c.schedule()
    expect(f.requests).toBe(1)
    f.tick()
    expect(ran).toEqual(['a', 'c'])
    f.tick()
    expect(ran).toEqual(['a', 'c', 'b'])
    expect(f.tick()).toBe(false)
    expect(loop.frames).toBe(2)
  })

  it('runs a later task scheduled by an earlier one in the same frame, and repeats a task with work left', () => {
    const f = fakeClock()
    const loop = new FrameLoop(f.clock, () => 0)
    const ran: string[] = []
    let left = 3
    const draw = loop.task('t', () => void ran.push('draw'))
    const work = loop.task('t', () => {
      ran.push('work')
      return --left > 0
    })
    const after = loop.task('t', () => void ran.push('after'))
    work.schedule()
    draw.schedule()
    loop.task('t', () => after.schedule())
    f.tick()
    expect(ran).toEqual(['draw', 'work'])
    after.schedule()
    f.tick()
    f.tick()
    expect(ran).toEqual(['draw', 'work', 'work', 'after', 'work'])
    expect(f.tick()).toBe(false)
  })
})

describe('Ingest', () => {
  it('applies a big batch in slices, stopping when the frame budget is spent', () => {
    let t = 0
    const r = recorder()
    // Every look at the clock costs 1 ms: a 4 ms budget allows 4 slices per frame.
    const ing = new Ingest(r.sink, 100_000, { budgetMs: 4, slice: 100, now: () => t++ })
    ing.lines(batch(0, 1000), 'c1')
    expect(ing.queued).toBe(1000)
    expect(ing.drain()).toBe(true)
    expect(r.lines).toEqual(batch(0, 400))
    expect(ing.queued).toBe(600)
    while (ing.drain());
    expect(r.lines).toEqual(batch(0, 1000))
    expect(ing.queued).toBe(0)
    expect(ing.idle).toBe(true)
    expect(r.out.every((a) => 'lines' in a && a.lines.length <= 100)).toBe(true)
  })

  it('keeps events in order: lines, skipped ranges and notices', () => {
    const r = recorder()
    const ing = new Ingest(r.sink, 1000, { budgetMs: 1e9 })
    ing.lines(['a'], 'c1')
    ing.skipped({ from: 'c1', to: 'c2', bytes: 10 })
    ing.notice('rotate', {}, 'c3')
    ing.lines(['b'], 'c4')
    expect(ing.drain()).toBe(false)
    expect(r.out).toEqual([
      { lines: ['a'] },
      { skipped: { from: 'c1', to: 'c2', bytes: 10 } },
      { notice: 'rotate' },
      { lines: ['b'] },
    ])
  })

  it('past the cap lets go of the oldest whole batches as one skipped range, cursor to cursor', () => {
    const r = recorder()
    const ing = new Ingest(r.sink, 250, { budgetMs: 1e9 })
    ing.reset('c0')
    for (let i = 0; i < 10; i++) ing.lines(batch(i * 100, 100), `c${i + 1}`)
    // The newest 250 lines need the last three batches: the first seven go.
    expect(ing.queued).toBe(300)
    expect(ing.discarded).toBe(700)
    ing.drain()
    const bytes = batch(0, 700).reduce((n, l) => n + l.length + 1, 0)
    expect(r.out[0]).toEqual({ skipped: { from: 'c0', to: 'c7', bytes } })
    expect(r.lines).toEqual(batch(700, 300))
  })

  it('never lets go of a batch that is partly applied, and merges into the run after it', () => {
    let t = 0
    const r = recorder()
    const ing = new Ingest(r.sink, 150, { budgetMs: 1, slice: 50, now: () => t++ })
    ing.reset('c0')
    ing.lines(batch(0, 100), 'c1')
    ing.drain() // 50 of the first batch applied
    for (let i = 1; i < 6; i++) ing.lines(batch(i * 100, 100), `c${i + 1}`)
    while (ing.drain());
    const kinds = r.out.map((a) => ('lines' in a ? 'lines' : 'skipped' in a ? 'skipped' : 'notice'))
    expect(kinds.filter((k) => k === 'skipped')).toHaveLength(1)
    const skipped = r.out.find((a) => 'skipped' in a) as { skipped: SkippedEvent }
    // The rest of the first batch counts towards the ring: only the newest batch follows it.
    expect(skipped.skipped).toMatchObject({ from: 'c1', to: 'c5' })
    expect(r.lines).toEqual([...batch(0, 100), ...batch(500, 100)])
  })

  it('holds at most cap plus one batch whatever arrives', () => {
    const r = recorder()
    const ing = new Ingest(r.sink, 1000, { budgetMs: 1e9 })
    let most = 0
    for (let i = 0; i < 5000; i++) {
      ing.lines(batch(i * 37, 37), `c${i}`)
      most = Math.max(most, ing.queued)
    }
    expect(most).toBeLessThanOrEqual(1000 + 37)
    ing.drain()
    expect(r.out.filter((a) => 'skipped' in a)).toHaveLength(1)
    expect(r.lines.at(-1)).toBe(`l${5000 * 37 - 1}`)
    expect(r.lines.length).toBeGreaterThanOrEqual(1000)
  })

  it('reset forgets what was queued', () => {
    const r = recorder()
    const ing = new Ingest(r.sink, 10)
    ing.lines(['x'], 'c1')
    ing.reset('c9')
    expect(ing.idle).toBe(true)
    expect(ing.drain()).toBe(false)
    expect(r.out).toEqual([])
  })
})
