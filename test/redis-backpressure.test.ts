/**
 * Backpressure on a Redis edge: subscribers that hold their events stop the XREAD loop (the
 * entries wait in Redis, not in the edge), a reply is sized to a byte budget, and once the
 * subscribers settle every line arrives once, in order.
 */
import { describe, expect, it } from 'vitest'
import type { FollowEvent, LogLine } from '../src/core/types.js'
import { ReadBudget } from '../src/redis/edge/reader.js'
import { EdgeSource } from '../src/redis/edge/source.js'
import { entrySize, type Entry } from '../src/redis/protocol.js'
import { EntryBuilder } from '../src/redis/watcher/numbering.js'
import { sleep } from './helpers/fs.js'
import { redisAvailable } from './helpers/redis-server.js'
import { until } from './helpers/sse.js'
import { Cluster } from './redis-harness.js'

const cur = (o: number) => `${o}-${o.toString(16).padStart(14, '0')}`

/** `n` entries of one line each, `width` characters a line, chained as a watcher numbers them. */
function entries(n: number, width: number): Entry[] {
  const b = new EntryBuilder(() => 0)
  const out = [b.begin('start', { gen: 1, offset: 0, cursor: cur(0) }, 0)]
  for (let i = 0; i < n; i++) {
    const start = out.at(-1)!.end
    const line: LogLine = { text: `${i}`.padEnd(width, '.'), offset: start }
    const end = start + width + 1
    const ev = { type: 'lines' as const, lines: [line], start, end, cursor: cur(end) }
    out.push(...b.lines(ev, [''], 0))
  }
  return out
}

describe('edge read budget', () => {
  it('starts as if entries were full batches, grows with small ones, drops at a big one', () => {
    const b = new ReadBudget(512, 4 * 1024 * 1024)
    expect(b.count).toBe(8)
    const small = entries(10, 100).slice(1)
    for (let i = 0; i < 20; i++) b.observe(small)
    expect(b.count).toBe(512)
    b.observe([]) // a BLOCK timeout teaches nothing
    expect(b.count).toBe(512)
    const big = entries(1, 200_000).slice(1)
    b.observe(big)
    expect(b.count).toBe(Math.floor((4 * 1024 * 1024) / entrySize(big[0]!)))
    expect(b.count * entrySize(big[0]!)).toBeLessThanOrEqual(4 * 1024 * 1024)
  })

  it('asks for one entry at least, however large entries are', () => {
    const b = new ReadBudget(512, 1000)
    b.observe(entries(1, 5000).slice(1))
    expect(b.count).toBe(1)
    expect(() => new ReadBudget(0, 1)).toThrow(RangeError)
  })
})

describe('edge listener credit', () => {
  it('applies entries until subscribers hold four events, then holds the rest', async () => {
    const all = entries(20, 10)
    const src = new EdgeSource('f', '/f', 'k', null as never)
    const got: FollowEvent[] = []
    const release: (() => void)[] = []
    src.subscribe((e) => {
      got.push(e)
      return new Promise<void>((r) => release.push(r))
    })
    src.live.seed([all[0]!])
    src.live.apply(all.slice(1))
    expect(got.length).toBe(4)
    expect(src.live.held).toBe(16)
    expect(src.position().offset).toBe(all[4]!.end)
    let free = false
    void src.live.listeners.whenFree().then(() => (free = true))
    await sleep(10)
    expect(free).toBe(false)
    release.shift()!()
    await sleep(0)
    expect(free).toBe(true)
    src.live.apply()
    expect(got.length).toBe(5)
    for (let i = 0; i < 100 && src.live.held > 0; i++) {
      for (const r of release.splice(0)) r()
      await sleep(0)
      src.live.apply()
    }
    expect(src.live.held).toBe(0)
    const texts = got.flatMap((e) => (e.type === 'lines' ? e.lines.map((l) => l.text) : []))
    expect(texts).toEqual(all.slice(1).map((e) => e.lines[0]!.text))
  })

  it('a listener that throws holds nothing and does not stop the others', () => {
    const all = entries(3, 10)
    const src = new EdgeSource('f', '/f', 'k', null as never)
    const got: string[] = []
    src.subscribe(() => {
      throw new Error('boom')
    })
    src.subscribe((e) => void (e.type === 'lines' && got.push(e.lines[0]!.text)))
    src.live.seed([all[0]!])
    src.live.apply(all.slice(1))
    expect(got.length).toBe(3)
    expect(src.live.held).toBe(0)
    expect(src.stats.lastError).toMatch(/^ELISTENER: boom/)
  })
})

const run = redisAvailable()

describe.skipIf(!run)('edge backpressure over redis', () => {
  it('a subscriber that holds its events stops the reader; the rest waits in Redis', async () => {
    const c = await Cluster.start()
    try {
      await c.startWatcher()
      const edge = await c.startEdge({ reader: { blockMs: 500, maxReadBytes: 64 * 1024 } })
      const src = edge.sources[0]!
      const got: string[] = []
      const release: (() => void)[] = []
      let holding = true
      src.subscribe((e) => {
        if (e.type !== 'lines') return
        got.push(...e.lines.map((l) => l.text))
        if (holding) return new Promise<void>((r) => release.push(r))
      })
      const sent: string[] = []
      for (let i = 0; i < 100; i++) {
        sent.push(...c.write(20, `r${i}`))
        await sleep(10)
      }
      const pub = c.watcher!.pub.publishers[0]!
      await until(() => pub.stats.published > 30, 5000, `publishing (${pub.stats.published})`)
      await sleep(300)
      expect(pub.stats.published).toBeGreaterThan(src.stats.entries + src.live.held + 20)
      const applied = src.stats.entries
      const events = release.length
      expect(events).toBeLessThanOrEqual(5)
      // One XREAD reply held at most, sized to the byte budget.
      expect(src.live.held).toBeLessThanOrEqual(64)
      for (let i = 0; i < 20; i++) sent.push(...c.write(20, `s${i}`))
      await sleep(300)
      expect(src.stats.entries).toBe(applied)
      expect(release.length).toBe(events)
      expect(src.stats.reader).toBe('live')
      holding = false
      for (const r of release.splice(0)) r()
      await until(() => got.length >= sent.length, 10_000, `all ${sent.length} lines`)
      expect(got).toEqual(sent)
    } finally {
      await c.stop()
    }
  })
})
