/**
 * Flow control through the real CLI: a client that stops reading its socket in the middle of a
 * 40 MB burst holds the reader back (the burst waits in the file), is dropped after the drain
 * timeout, and resumes by cursor with nothing lost or doubled.
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

describe('a stalled client during a burst', () => {
  it('a client that stalls is dropped, then resumes by cursor: nothing lost or doubled', async () => {
    const { file, url, pid } = await start()
    const c = await checkingClient(`${url}events`, 1)
    const rss = sampleRss(pid)
    const total = 400_000 // 40 MB: more than the kernel's socket buffers hold
    await writeBurst(file, 1, 1000)
    await until(() => c.next > 1000, 5000, 'first lines')
    c.res.pause() // stop reading the socket
    await writeBurst(file, 1001, total)
    // Dropped after the drain timeout (10 s). The `dropped` event waits in the socket buffers
    // behind what the client did not read; the stream is destroyed after a grace second, so a
    // client that reads only later may never see it: what counts is its last id.
    const dropped = async () =>
      /taillight_slow_clients_dropped_total\{reason="drain"\} 1/.test(
        await (await fetch(`${url}metrics`)).text()
      )
    const deadline = Date.now() + 20_000
    while (!(await dropped()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
    expect(await dropped()).toBe(true)
    c.res.resume()
    await until(() => c.ended, 10_000, 'the dropped stream ends')
    expect(c.error).toBeUndefined()
    expect(c.others.filter((e) => e.event !== 'dropped')).toEqual([])
    expect(c.next).toBeLessThan(total + 1)
    const again = await checkingClient(`${url}events`, c.next, { 'last-event-id': c.lastId })
    await until(() => again.next > total || again.ended, 30_000, 'the rest after resuming')
    expect(again.error).toBeUndefined()
    expect(again.next).toBe(total + 1)
    expect(again.others.map((e) => e.event)).toEqual([])
    expect(again.maxEventBytes).toBeLessThanOrEqual(BUDGET)
    expect(rss.stop()).toBeLessThan(RSS_BOUND_MB)
    again.req.destroy()
  }, 60_000)
})
