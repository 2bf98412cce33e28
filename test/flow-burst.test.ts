/**
 * Flow control through the real CLI: a burst of about 200 MB appended at disk speed reaches a
 * fast client whole, in order, in events within the budget, while the server's memory stays
 * bounded; a client that stalls is dropped and resumes by cursor without loss or doubling; a
 * burst with no client at all costs no memory either.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  BUDGET,
  checkingClient,
  RSS_BOUND_MB,
  sampleRss,
  startOnEmptyFile,
  writeBurst,
} from './helpers/burst.js'
import { ensureBuilt, killAll } from './helpers/cli.js'
import { useTempDir } from './helpers/fs.js'
import { until } from './helpers/sse.js'

beforeAll(() => ensureBuilt(), 180_000)
afterEach(() => killAll())

const tmp = useTempDir()
const start = () => startOnEmptyFile(tmp.dir)

describe('a burst through the CLI', () => {
  it('200 MB reach a fast client: every line once, in order, events within budget, RSS bounded', async () => {
    const { file, url, pid } = await start()
    const c = await checkingClient(`${url}events`, 1)
    const rss = sampleRss(pid)
    const total = 2_000_000 // 100-byte lines: 200 MB
    await writeBurst(file, 1, total)
    await until(() => c.next > total || c.ended || !!c.error, 50_000, 'the whole burst')
    const peak = rss.stop()
    expect(c.error).toBeUndefined()
    expect(c.next).toBe(total + 1)
    expect(c.others.map((e) => e.event)).toEqual([])
    expect(c.maxEventBytes).toBeLessThanOrEqual(BUDGET)
    // Many events, not one: each carries its own cursor.
    expect(c.events).toBeGreaterThan(200_000_000 / BUDGET)
    expect(peak).toBeLessThan(RSS_BOUND_MB)
    console.log(`burst: peak server RSS ${peak.toFixed(0)} MiB, ${c.events} events`)
    c.req.destroy()
  }, 60_000)

  it('a burst with no client at all keeps RSS bounded', async () => {
    const { file, url, pid } = await start()
    const rss = sampleRss(pid)
    const total = 1_500_000
    await writeBurst(file, 1, total)
    const read = async () => {
      const m = /taillight_bytes_read_total\{[^}]*\} (\d+)/.exec(
        await (await fetch(`${url}metrics`)).text()
      )
      return Number(m?.[1] ?? 0)
    }
    const deadline = Date.now() + 30_000
    while ((await read()) < total * 100 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
    }
    const peak = rss.stop()
    expect(await read()).toBe(total * 100)
    expect(peak).toBeLessThan(RSS_BOUND_MB)
  }, 60_000)
})
