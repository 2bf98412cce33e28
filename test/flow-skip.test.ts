/**
 * Skip-ahead through the real CLI: a client with `?skip=` that stops reading during a burst is
 * not dropped; it gets exactly one `skipped` whose range, read back through
 * /api/lines?after=FROM&until=TO, is exactly the lines it was not sent. Without `skip` there is
 * never a `skipped` event.
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
  it('a client with ?skip= that falls behind gets one skipped event for exactly what it missed', async () => {
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
    expect(c.others.map((e) => e.event)).toEqual(['skipped'])
    expect(c.gaps).toHaveLength(1)
    const gap = c.gaps[0]!
    const data = JSON.parse(gap.event.data) as { from: string; to: string; bytes: number }
    expect(gap.event.id).toBe(data.to)
    const missed = (gap.resumed as number) - gap.expected
    expect(missed).toBeGreaterThan(0)
    expect(data.bytes).toBe(missed * 100)
    const got = await linesBetween(url, data.from, data.to)
    expect(got.length).toBe(missed)
    expect(got[0]).toBe(burstLine(gap.expected))
    expect(got[got.length - 1]).toBe(burstLine((gap.resumed as number) - 1))
    expect(c.maxEventBytes).toBeLessThanOrEqual(BUDGET)
    // The plain client never gets one.
    expect(plain.error).toBeUndefined()
    expect(plain.others).toEqual([])
    const metrics = await (await fetch(`${url}metrics`)).text()
    expect(metrics).toMatch(/^taillight_skipped_total 1$/m)
    expect(metrics).toMatch(new RegExp(`^taillight_skipped_bytes_total ${missed * 100}$`, 'm'))
    c.req.destroy()
    plain.req.destroy()
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
