/**
 * @module The viewer in real Chromium under a firehose: a burst of a few hundred thousand lines
 * written in big appends. The page keeps producing frames, ends on the newest line with a
 * bounded heap, and a skipped range's marker loads exactly the lines that were skipped.
 * Against the real server when the CLI is built, the contract stub otherwise (like e2e-viewer).
 */
import { appendFileSync, rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, requireChromium, type Browser } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'
import { serverKind, startServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-firehose')

/** `fire 0000123 ` and a fixed tail: every line the same length, so sizes are predictable. */
const line = (i: number) => `fire ${String(i).padStart(7, '0')} GET /api/orders/${i % 997} 200 ok`
const numberOf = (text: string) => Number(/^fire (\d{7}) /.exec(text)?.[1] ?? NaN)

/** Appends lines [from, to) in chunks of `chunk` lines, one write each. */
function burst(path: string, from: number, to: number, chunk = 20_000): void {
  for (let i = from; i < to; i += chunk) {
    let s = ''
    for (let j = i; j < Math.min(to, i + chunk); j++) s += line(j) + '\n'
    appendFileSync(path, s)
  }
}

const PROBE = `(() => {
  const probe = { frames: 0, maxGap: 0, last: performance.now() }
  const loop = (t) => {
    probe.frames++
    probe.maxGap = Math.max(probe.maxGap, t - probe.last)
    probe.last = t
    requestAnimationFrame(loop)
  }
  requestAnimationFrame(loop)
  window.__probe = probe
})()`

describe.skipIf(!enabled)(`viewer under a firehose (server: ${serverKind()})`, () => {
  let browser: Browser
  const cleanups: (() => Promise<void> | void)[] = []
  let dir: string

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = p.tempDir()
  }, 30_000)

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function open(file: string, query: string): Promise<Page> {
    const server = await startServer([file])
    cleanups.push(() => server.stop())
    const page = await browser.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    cleanups.push(async () => {
      expect(errors).toEqual([])
      await page.close()
    })
    await page.goto(`${server.url}${query}`)
    await p.waitStatus(page, /^live/)
    return page
  }

  async function heapMB(page: Page): Promise<number> {
    const cdp = await page.context().newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }
    await cdp.detach()
    return usedSize / 1048576
  }

  it('keeps producing frames through a 300,000-line burst and ends on the newest line', async () => {
    const N = 300_000
    const file = p.logFile(dir, 'burst.log', [line(0)])
    const page = await open(file, '?cap=100000')
    await page.evaluate(PROBE)
    const started = Date.now()
    const frames0 = (await page.evaluate('window.__probe.frames')) as number
    const samples: number[] = []
    for (let i = 1; i < N; i += 50_000) {
      burst(file, i, Math.min(N, i + 50_000))
      samples.push((await page.evaluate('window.__probe.frames')) as number)
    }
    const wrote = Date.now()
    const last = line(N - 1)
    await p.waitLines(page, (l) => l.at(-1) === last, 30_000)
    const shownAfter = Date.now() - wrote
    const probe = (await page.evaluate('window.__probe')) as { frames: number; maxGap: number }
    const stats = (await page.evaluate('window.taillight.stats()')) as Record<string, unknown>
    expect(stats.stream).toBe('worker')
    const heap = await heapMB(page)
    console.log(
      `firehose: ${N} lines written in ${wrote - started} ms; newest shown ${shownAfter} ms later; ` +
        `${probe.frames - frames0} frames, longest gap ${probe.maxGap.toFixed(0)} ms; heap ${heap.toFixed(1)} MB after GC; ` +
        `stats ${JSON.stringify({ ...stats, newest: undefined })}`
    )
    // Frames kept coming while the burst was written, not only once it was over.
    expect(samples.at(-1)).toBeGreaterThan(frames0)
    expect(probe.frames - frames0).toBeGreaterThan(10)
    // A generous bound: the ring holds at most 100,000 lines of ~50 bytes.
    expect(heap).toBeLessThan(150)
    // Whatever was skipped is accounted for: the newest lines are contiguous up to the last.
    const stored = await p.storedLines(page)
    const tail = stored.slice(-1000).map(numberOf)
    expect(tail).toEqual(Array.from({ length: 1000 }, (_, i) => N - 1000 + i))
  }, 60_000)

  it('a skipped range shows as one marker row whose "load" brings in exactly the skipped lines', async () => {
    const cap = 10_000
    const file = p.logFile(
      dir,
      'skip.log',
      Array.from({ length: 200 }, (_, i) => line(i))
    )
    const page = await open(file, `?cap=${cap}&lines=200`)
    await p.waitLines(page, (l) => l.at(-1) === line(199))
    // Paused past the cap the page lets go of the stream; on resume it is far behind, so the
    // server skips ahead to what the ring can hold.
    await page.getByTestId('pause').click()
    burst(file, 200, 12_200, 4000)
    await p.waitStatus(page, /paused, disconnected/)
    const N = 100_000
    burst(file, 12_200, N)
    // Resume once the server has read the burst: the page is then far behind a head that no
    // longer moves, and gets exactly one skip. (Resumed while the server is still reading, it
    // can skip again later, and the lines after the last skip may push a marker out of the ring.)
    for (let i = 0; i < 400; i++) {
      const newest = await page.evaluate(
        async () =>
          ((await (await fetch('api/lines?limit=1')).json()) as { lines: string[] }).lines[0]
      )
      if (newest === line(N - 1)) break
      await page.waitForTimeout(25)
    }
    await page.getByTestId('pause').click()
    await p.waitLines(page, (l) => l.at(-1) === line(N - 1), 20_000)
    // The marker is thousands of rows up: bring it into view, as scrolling there would.
    const row = await page.evaluate(`(() => {
      const s = window.taillight.store
      for (let i = 0; i < s.count; i++) if (s.row(i).skipped) return window.taillight.list.scrollToRow(i), i
      return -1
    })()`)
    expect(row).toBeGreaterThan(0)
    const marker = page.getByTestId('skipped')
    await expect.poll(() => marker.count(), { timeout: 10_000 }).toBe(1)
    expect(await marker.textContent()).toMatch(/^\d+(\.\d)? (kB|MB) skipped ·$/)
    const before = await p.storedLines(page)
    const at = before.findIndex((l) => / skipped ·$/.test(l))
    const firstAfter = numberOf(before[at + 1] as string)
    expect(numberOf(before[at - 1] as string)).toBe(199)
    expect(firstAfter).toBeGreaterThan(12_200)

    await page.getByTestId('log').locator('.row.skipped').getByTestId('skipped-load').focus()
    await page.keyboard.press('Enter')
    const after = await p.waitStored(
      page,
      (l) => !l.some((x) => x.includes('loading…')) && l.length > before.length,
      15_000,
      100
    )
    // More was skipped than the ring has room for: its newest part came in, a smaller marker
    // stays for the older rest, and the lines from it to the newest are contiguous.
    const rest = after.findIndex((l) => / skipped · older part/.test(l))
    expect(rest).toBeGreaterThanOrEqual(0)
    expect(after.length).toBeLessThanOrEqual(cap)
    const loaded = after.slice(rest + 1).map(numberOf)
    const from = loaded[0] as number
    expect(from).toBeLessThan(firstAfter)
    expect(loaded).toEqual(Array.from({ length: N - from }, (_, i) => from + i))
    for (const i of [from, from + 1, firstAfter - 1]) expect(after).toContain(line(i))
  }, 60_000)
})
