/**
 * Skip-ahead through the real CLI: a client with `?skip=` that stops reading during a burst, reads
 * slower than the burst, or resumes far behind, is not dropped; it gets `skipped` events whose
 * ranges, read back through /api/lines?after=FROM&until=TO, are exactly the lines it was not
 * sent. Without `skip` there is never a `skipped` event.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { BUDGET, burstLine, checkingClient, startOnEmptyFile, writeBurst } from './helpers/burst.js'
import { ensureBuilt, killAll } from './helpers/cli.js'
import { useTempDir } from './helpers/fs.js'
import { until } from './helpers/sse.js'

beforeAll(() => ensureBuilt(), 180_000)
afterEach(() => killAll())

const tmp = useTempDir()
const SKIP = 1024 * 1024

/** Every line after `from` up to `to`, page by page. */
async function linesBetween(url: string, from: string, to: string): Promise<string[]> {
  const out: string[] = []
  let after = from
  for (let page = 0; page < 1000; page++) {
    const res = await fetch(`${url}api/lines?after=${after}&until=${to}&limit=10000`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { lines: string[]; last: string; more: boolean }
    out.push(...body.lines)
    if (!body.more || body.lines.length === 0) return out
    after = body.last
  }
  throw new Error('too many pages')
}

describe('skip-ahead', () => {
  it('a client with ?skip= that falls behind gets skipped events for exactly what it missed', async () => {
    const { file, url } = await startOnEmptyFile(tmp.dir)
    const plain = await checkingClient(`${url}events`, 1)
    const c = await checkingClient(`${url}events?skip=${SKIP}`, 1)
    const total = 300_000 // 30 MB
    await writeBurst(file, 1, 1000)
    await until(() => c.next > 1000 && plain.next > 1000, 5000, 'first lines')
    c.res.pause()
    await writeBurst(file, 1001, total)
    // The plain client keeps reading, so the burst goes on; the paused one falls behind.
    await until(() => plain.next > total, 30_000, 'the plain client got the burst')
    c.res.resume()
    await until(() => c.next > total || c.ended, 20_000, 'the skipping client reached the end')
    expect(c.error).toBeUndefined()
    expect(c.ended).toBe(false)
    expect(c.next).toBe(total + 1)
    // One skip per stretch the client spent behind. A paused client can be that more than
    // once: loopback socket buffers grow while it sleeps and take a few MB after a skip.
    expect(c.others.every((e) => e.event === 'skipped')).toBe(true)
    expect(c.gaps.length).toBeGreaterThanOrEqual(1)
    let missedTotal = 0
    for (const gap of c.gaps) {
      const data = JSON.parse(gap.event.data) as { from: string; to: string; bytes: number }
      expect(gap.event.id).toBe(data.to)
      const missed = (gap.resumed as number) - gap.expected
      expect(missed).toBeGreaterThan(0)
      expect(data.bytes).toBe(missed * 100)
      const got = await linesBetween(url, data.from, data.to)
      expect(got.length).toBe(missed)
      expect(got[0]).toBe(burstLine(gap.expected))
      expect(got[got.length - 1]).toBe(burstLine((gap.resumed as number) - 1))
      missedTotal += missed
    }
    expect(c.maxEventBytes).toBeLessThanOrEqual(BUDGET)
    // The plain client never gets one.
    expect(plain.error).toBeUndefined()
    expect(plain.others).toEqual([])
    const metrics = await (await fetch(`${url}metrics`)).text()
    expect(metrics).toMatch(new RegExp(`^taillight_skipped_total ${c.gaps.length}$`, 'm'))
    expect(metrics).toMatch(new RegExp(`^taillight_skipped_bytes_total ${missedTotal * 100}$`, 'm'))
    c.req.destroy()
    plain.req.destroy()
  }, 60_000)

  it('a client that keeps reading, but slower than the burst, skips ahead to the newest lines', async () => {
    const { file, url } = await startOnEmptyFile(tmp.dir)
    const c = await checkingClient(`${url}events?skip=${SKIP}`, 1)
    // At most one chunk (64 KiB at most) every 20 ms: about 3 MB/s, far slower than a burst
    // written at disk speed, yet never stalled.
    let throttled = true
    c.res.on('data', () => {
      if (!throttled) return
      c.res.pause()
      setTimeout(() => c.res.resume(), 20)
    })
    const total = 300_000
    try {
      await writeBurst(file, 1, total)
      await until(() => c.next > total || c.ended, 30_000, 'the slow client reached the end')
    } finally {
      throttled = false
      c.res.resume()
    }
    expect(c.error).toBeUndefined()
    expect(c.ended).toBe(false)
    expect(c.next).toBe(total + 1)
    expect(c.gaps.length).toBeGreaterThan(0)
    // Every range reads back as exactly the lines that were not sent.
    for (const gap of c.gaps) {
      const data = JSON.parse(gap.event.data) as { from: string; to: string; bytes: number }
      const missed = (gap.resumed as number) - gap.expected
      expect(data.bytes).toBe(missed * 100)
      const got = await linesBetween(url, data.from, data.to)
      expect(got.length).toBe(missed)
      expect(got[0]).toBe(burstLine(gap.expected))
    }
    c.req.destroy()
  }, 60_000)

  it('a client resuming far behind with ?skip= skips from its cursor to whole lines near the head', async () => {
    const { file, url } = await startOnEmptyFile(tmp.dir)
    const first = await checkingClient(`${url}events`, 1)
    await writeBurst(file, 1, 1000)
    await until(() => first.next > 1000, 5000, 'the first 1000 lines')
    const cursor = first.lastId
    first.req.destroy()
    const total = 200_000 // 20 MB behind the cursor: far more than SKIP
    await writeBurst(file, 1001, total)
    // Wait until the server has read (not just seen) the burst: its newest delivered line is
    // the last one, so the resume starts far behind a head that no longer moves.
    for (let i = 0; ; i++) {
      const res = await fetch(`${url}api/lines?limit=1`)
      const newest = ((await res.json()) as { lines: string[] }).lines[0]
      if (newest === burstLine(total)) break
      if (i > 400) throw new Error(`the server did not read the burst (newest: ${newest})`)
      await new Promise((r) => setTimeout(r, 50))
    }
    const c = await checkingClient(`${url}events?skip=${SKIP}`, 1001, { 'last-event-id': cursor })
    await until(() => c.next > total || c.ended, 20_000, 'the resumed client reached the end')
    expect(c.error).toBeUndefined()
    expect(c.next).toBe(total + 1)
    expect(c.others.map((e) => e.event)).toEqual(['skipped'])
    const gap = c.gaps[0]!
    const data = JSON.parse(gap.event.data) as { from: string; to: string; bytes: number }
    expect(data.from).toBe(cursor)
    expect(gap.expected).toBe(1001)
    const missed = (gap.resumed as number) - 1001
    expect(missed).toBeGreaterThan(total / 2)
    expect(data.bytes).toBe(missed * 100)
    const got = await linesBetween(url, data.from, data.to)
    expect(got.length).toBe(missed)
    expect(got[got.length - 1]).toBe(burstLine((gap.resumed as number) - 1))
    c.req.destroy()
  }, 60_000)

  it('refuses a skip outside its range with 400 bad_param', async () => {
    const { url } = await startOnEmptyFile(tmp.dir)
    for (const v of ['1000', 'abc', '-1', '10000000000', '']) {
      const res = await fetch(`${url}events?skip=${v}`)
      expect(res.status, v).toBe(400)
      const body = (await res.json()) as { error: { code: string; param: string } }
      expect(body.error).toMatchObject({ code: 'bad_param', param: 'skip' })
    }
  })
})
