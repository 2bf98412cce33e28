/**
 * Flow control inside the broadcaster, with a fake source and sinks whose buffers the test
 * drains by hand: event budget, the promise that paces the reader, what releases it, skip-ahead
 * (live, across a rotation, and while catching up) and a catch-up whose live queue overflows.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { FollowEvent } from '../src/core/types.js'
import { Broadcaster, type BroadcasterOptions } from '../src/server/broadcaster.js'
import type { FileCounters } from '../src/server/metrics.js'
import { addEvent, type Pending } from '../src/server/pending-events.js'
import type { SseSink } from '../src/server/sink.js'
import { FakeSource } from './helpers/fake-source.js'
import { numbered, range } from './helpers/lines.js'
import { SseParser, until } from './helpers/sse.js'

const hubs: Broadcaster[] = []
afterEach(() => {
  for (const h of hubs.splice(0)) h.close()
})

/** A sink that holds everything written as unsent until drain() is called. */
function handSink(highWater = 16 * 1024) {
  const parser = new SseParser()
  let buffered = 0
  let closed = false
  const drains: (() => void)[] = []
  const closes: (() => void)[] = []
  const pendingChunks: Uint8Array[] = []
  const sink: SseSink = {
    write(b) {
      if (closed) return false
      pendingChunks.push(b)
      buffered += b.byteLength
      return buffered < highWater
    },
    get bufferedBytes() {
      return buffered
    },
    close() {
      closed = true
      for (const l of closes) l()
    },
    destroy() {
      sink.close()
    },
    onDrain: (l) => drains.push(l),
    onClose: (l) => closes.push(l),
  }
  return {
    sink,
    parser,
    get closed() {
      return closed
    },
    /** The client reads everything written so far. */
    drain() {
      for (const c of pendingChunks.splice(0)) parser.feed(c)
      buffered = 0
      for (const l of drains) l()
    },
    lines: () =>
      parser.events
        .filter((e) => e.event === 'update' || e.event === 'init')
        .flatMap((e) => (JSON.parse(e.data) as { lines: string[] }).lines),
  }
}

/** Waits for the client's init (the join is asynchronous) and reads it. */
function joined(s: ReturnType<typeof handSink>): Promise<void> {
  return until(() => (s.drain(), s.parser.events.some((e) => e.event === 'init')), 2000, 'init')
}

/** A FakeSource whose listener's return values the test can watch. */
function pacedSource(content = '') {
  const src = new FakeSource('app', { content })
  const held: Promise<unknown>[] = []
  const subscribe = src.subscribe.bind(src)
  src.subscribe = (l) =>
    subscribe((e) => {
      const r = (l as (e: FollowEvent) => unknown)(e)
      if (r instanceof Promise) held.push(r)
    })
  return { src, held }
}

function hub(src: FakeSource, opts: BroadcasterOptions = {}) {
  const h = new Broadcaster(src, { onError: (e) => console.error(e), ...opts })
  hubs.push(h)
  return h
}

function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true))
  return new Promise((r) => setTimeout(() => r(done), 50))
}

const line = (n: number, width: number) => `${String(n).padStart(6, '0')} ${'x'.repeat(width - 8)}`
const lineBlock = (from: number, to: number, width: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => line(from + i, width) + '\n').join('')

describe('event budget', () => {
  const counters = () => ({ linesRead: 0, bytesRead: 0 }) as FileCounters
  const batch = (start: number, n: number): FollowEvent => ({
    type: 'lines',
    lines: Array.from({ length: n }, (_, i) => ({ text: 'x'.repeat(9), offset: start + i * 10 })),
    start,
    end: start + n * 10,
    cursor: `${start + n * 10}-0000000000000`,
  })

  it('merges consecutive batches only while the event stays within the budget', () => {
    const pending: Pending[] = []
    for (let i = 0; i < 10; i++) addEvent(pending, batch(i * 100, 10), counters(), 'x', 250)
    expect(pending.map((p) => p.bytes)).toEqual([200, 200, 200, 200, 200])
    expect(pending.map((p) => p.id)).toEqual(
      [200, 400, 600, 800, 1000].map((o) => `${o}-0000000000000`)
    )
    expect(pending.map((p) => p.lines)).toEqual([20, 20, 20, 20, 20])
  })

  it('never splits one batch (its inner points have no cursor)', () => {
    const pending: Pending[] = []
    addEvent(pending, batch(0, 100), counters(), 'x', 250)
    expect(pending).toHaveLength(1)
    expect(pending[0]?.bytes).toBe(1000)
  })

  it('init carries at most the budget: the newest lines that fit, first and more', async () => {
    const src = new FakeSource('app', { content: lineBlock(1, 100, 100) })
    const h = hub(src, { maxEventBytes: 1000 })
    const s = handSink()
    h.attach(s.sink, { lines: 50 })
    await until(() => (s.drain(), s.parser.events.length > 0), 2000, 'init')
    const init = JSON.parse(s.parser.events[0]!.data) as {
      lines: string[]
      first: string
      more?: true
    }
    expect(init.lines).toEqual(Array.from({ length: 10 }, (_, i) => line(91 + i, 100)))
    expect(init.more).toBe(true)
    expect(init.first).toBe(src.cursorAt(9000))
  })
})

describe('backpressure', () => {
  it('with no client, each batch is let go once flushed', async () => {
    const { src, held } = pacedSource()
    hub(src)
    src.append('a\n')
    expect(held).toHaveLength(1)
    expect(await settled(held[0]!)).toBe(true)
  })

  it('holds the reader while the only client has no room; its drain lets it go', async () => {
    const { src, held } = pacedSource()
    const h = hub(src)
    const s = handSink()
    h.attach(s.sink, { lines: 0 })
    await joined(s)
    src.append('y'.repeat(100 * 1024) + '\n')
    expect(await settled(held[0]!)).toBe(false)
    s.drain()
    expect(await settled(held[0]!)).toBe(true)
  })

  it('the fastest client sets the pace: one with room is enough', async () => {
    const { src, held } = pacedSource()
    const h = hub(src)
    const slow = handSink()
    const fast = handSink()
    h.attach(slow.sink, { lines: 0 })
    h.attach(fast.sink, { lines: 0 })
    await joined(slow)
    await joined(fast)
    src.append('y'.repeat(100 * 1024) + '\n')
    expect(await settled(held[0]!)).toBe(false)
    fast.drain()
    expect(await settled(held[0]!)).toBe(true)
  })

  it('a stalled client dropped after the drain timeout lets the reader go', async () => {
    const { src, held } = pacedSource()
    const h = hub(src, { drainTimeoutMs: 200 })
    const s = handSink()
    h.attach(s.sink, { lines: 0 })
    await joined(s)
    src.append('y'.repeat(100 * 1024) + '\n')
    expect(await settled(held[0]!)).toBe(false)
    await until(() => s.closed, 2000, 'dropped')
    expect(h.metrics.dropped.drain).toBe(1)
    expect(await settled(held[0]!)).toBe(true)
  })

  it('a skipping client does not pace the reader', async () => {
    const { src, held } = pacedSource()
    const h = hub(src)
    const s = handSink()
    h.attach(s.sink, { lines: 0, skip: 128 * 1024 })
    await joined(s)
    src.append('y'.repeat(70 * 1024) + '\n')
    expect(await settled(held[0]!)).toBe(false)
    src.append('z'.repeat(70 * 1024) + '\n') // lag past 128 KiB: skipping
    expect(await settled(held[1]!)).toBe(true)
  })
})

/** The lines of src's current file from `from` to `to` (both cursors of it). */
async function between(src: FakeSource, from: string, to: string): Promise<string[]> {
  const c = await src.check(to)
  if (!c.ok) throw new Error(`bad to: ${to}`)
  const r = await src.readAfter(from, { gen: src.gen, offset: c.offset, cursor: to }, 1 << 30)
  if ('stale' in r) throw new Error('stale')
  return r.lines.map((l) => l.text)
}

describe('skip-ahead', () => {
  it('a live client that falls behind gets one skipped for exactly the lines it missed', async () => {
    const src = new FakeSource('app')
    const h = hub(src, { skipSettleMs: 20 })
    const s = handSink()
    h.attach(s.sink, { lines: 0, skip: 64 * 1024 })
    await joined(s)
    src.append(lineBlock(1, 10, 1000))
    s.drain()
    for (let n = 11; n <= 400; n += 10) {
      src.append(lineBlock(n, n + 9, 1000))
      await new Promise((r) => setImmediate(r))
    }
    await new Promise((r) => setTimeout(r, 50))
    s.drain()
    await until(() => (s.drain(), h.metrics.skipped === 1), 2000, 'the skip')
    // Context after the jump is whole frames within half the threshold (maybe none): new lines
    // then follow as usual.
    src.append(lineBlock(401, 405, 1000))
    await until(() => (s.drain(), s.lines().includes(line(405, 1000))), 2000, 'the head')
    const skipped = s.parser.events.filter((e) => e.event === 'skipped')
    expect(skipped).toHaveLength(1)
    const data = JSON.parse(skipped[0]!.data) as { from: string; to: string; bytes: number }
    const got = s.lines()
    const missed = await between(src, data.from, data.to)
    const all = Array.from({ length: 405 }, (_, i) => line(i + 1, 1000))
    // Received in order, and together with the skipped range every line exactly once.
    expect(got).toEqual([...got].sort())
    expect([...got, ...missed].sort()).toEqual(all)
    expect(data.bytes).toBe(missed.length * 1000)
    expect(skipped[0]!.id).toBe(data.to)
    // After the jump: at most half the threshold of recent context.
    const after = got.filter((l) => l > missed[missed.length - 1]! && l <= line(400, 1000))
    expect(after.length * 1000).toBeLessThanOrEqual(32 * 1024)
    expect(h.metrics.skipped).toBe(1)
  })

  it('a rotation inside the skipped range ends it: one skipped per file, each readable', async () => {
    const src = new FakeSource('app')
    const h = hub(src, { skipSettleMs: 20 })
    const s = handSink()
    h.attach(s.sink, { lines: 0, skip: 64 * 1024 })
    await joined(s)
    src.append(lineBlock(1, 100, 1000))
    src.rotate()
    src.append(lineBlock(101, 200, 1000))
    await until(() => (s.drain(), h.metrics.skipped === 2), 2000, 'both skips')
    src.append(lineBlock(201, 205, 1000))
    await until(() => (s.drain(), s.lines().includes(line(205, 1000))), 2000, 'the head')
    expect(s.parser.events.map((e) => e.event)).toEqual([
      'init',
      'skipped',
      'rotate',
      'skipped',
      'update',
    ])
    const [, a, , b] = s.parser.events.map(
      (e) => JSON.parse(e.data) as { from: string; to: string }
    )
    // The first range is the old file's, from where the client was to its last line.
    expect(a).toMatchObject({
      from: src.cursorAt(0, src.gen - 1),
      to: src.cursorAt(100_000, src.gen - 1),
    })
    expect(b!.from).toBe(src.cursorAt(0))
    const missed = await between(src, b!.from, b!.to)
    expect([...missed, ...s.lines()]).toEqual(
      Array.from({ length: 105 }, (_, i) => line(101 + i, 1000))
    )
  })

  it('a catching-up client further behind than skip jumps to near the head', async () => {
    const src = new FakeSource('app', { content: lineBlock(1, 2000, 1000) })
    const h = hub(src, { ringFrames: 1 })
    const s = handSink()
    h.attach(s.sink, { lines: 0, cursor: src.cursorAt(0), skip: 64 * 1024 })
    await until(() => (s.drain(), s.lines().includes(line(2000, 1000))), 2000, 'the head')
    const [skipped] = s.parser.events
    expect(skipped?.event).toBe('skipped')
    const data = JSON.parse(skipped!.data) as { from: string; to: string; bytes: number }
    expect(data.from).toBe(src.cursorAt(0))
    const missed = await between(src, data.from, data.to)
    expect([...missed, ...s.lines()]).toEqual(
      Array.from({ length: 2000 }, (_, i) => line(i + 1, 1000))
    )
    expect(s.lines().length).toBeLessThanOrEqual(32)
    expect(data.bytes).toBe(missed.length * 1000)
  })
})

describe('catch-up', () => {
  it('a live queue that overflows during catch-up is re-read from the file, not dropped', async () => {
    const src = new FakeSource('app', { content: numbered(1, 3000), readDelayMs: 1 })
    const h = hub(src, { ringFrames: 1, maxEventBytes: 1024, maxQueueBytes: 4096 })
    const s = handSink(1024)
    h.attach(s.sink, { lines: 0, cursor: src.cursorAt(0) })
    for (let i = 3001; i <= 4000; i++) {
      src.append(`line ${i}\n`)
      s.drain()
      await new Promise((r) => setTimeout(r, 0))
    }
    await until(() => (s.drain(), s.lines().length >= 4000), 5000, 'all lines').catch((e) => {
      console.log(
        s.lines().length,
        s.lines().slice(-3),
        s.closed,
        h.metrics.dropped,
        s.parser.events.slice(-3)
      )
      throw e
    })
    expect(s.lines()).toEqual(range(1, 4000))
    expect(h.metrics.dropped.queue).toBe(0)
    expect(s.closed).toBe(false)
  })
})
