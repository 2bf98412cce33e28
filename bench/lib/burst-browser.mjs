/**
 * @module The viewer during a burst (bench/burst.mjs --browser): the page open in headless
 * Chromium while a writer appends N lines at disk speed; the longest frame (the probe of
 * chromium.mjs), the JS heap (CDP), the time from the end of the write to the newest line on
 * screen, and whether the page made a skipped range (`taillight.stats().skippedRanges`) for
 * lines it did not fetch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FRAME_PROBE, FRAME_STATS, launchChromium, waitForLine } from './chromium.mjs'
import { forkChild } from './child.mjs'
import { alive, startCli, stopProc } from './cli-server.mjs'
import { now, sleep } from './clock.mjs'
import { WRITER, watchServer } from './burst-run.mjs'
import { peakRssMb } from './proc-stats.mjs'

const MB = 1048576

export async function runBrowserBurst({ lines, lineBytes, cli, waitSeconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-burst-page-'))
  const file = join(dir, 'burst.log')
  writeFileSync(file, 'start\n')
  const server = await startCli(['--port', '0', file], { cli })
  const state = watchServer(server)
  const browser = await launchChromium()
  const writer = forkChild(WRITER)
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await page.addInitScript(FRAME_PROBE)
    await page.goto(server.url)
    await page.getByTestId('status').filter({ hasText: /^live/ }).waitFor({ timeout: 15_000 })
    const cdp = await page.context().newCDPSession(page)
    let heapMax = 0
    let sampling = true
    // CDP answers from the page's main thread: a sample is late when the page is busy, not lost.
    const sampler = (async () => {
      while (sampling) {
        const h = await cdp.send('Runtime.getHeapUsage').catch(() => null)
        if (h) heapMax = Math.max(heapMax, h.usedSize / MB)
        await sleep(250)
      }
    })()
    await page.evaluate('window.__frames.length = 0')
    writer.send({ mode: 'burst', file, lines, lineBytes })
    const w = await writer.next('done', 600_000)
    if (!w) throw new Error('the writer did not finish in 10 min')
    const shown = await waitForLine(page, `L${lines - 1}@`, {
      timeout: waitSeconds * 1000,
      startsWith: true,
    })
      .then(() => now())
      .catch((err) => {
        // a time-out is a figure (not on screen in time); anything else is this benchmark's fault
        if (err.name !== 'TimeoutError') throw err
        return null
      })
    const frames = await page.evaluate(FRAME_STATS)
    // The page's own count: a marker row exists in the DOM only while it is on screen.
    const skipped = await page.evaluate(`window.taillight.stats().skippedRanges > 0`)
    // what the page showed at the end: its status and its last rows (why a line was not found)
    const screen = await page.evaluate(`(() => ({
      status: document.querySelector('[data-testid="status"]')?.textContent,
      rows: Array.from(document.querySelectorAll('[data-testid="line"], [data-testid="skipped"]'))
        .slice(-3).map((e) => e.textContent.slice(0, 40)),
    }))()`)
    sampling = false
    await sampler
    const heapNow = (await cdp.send('Runtime.getHeapUsage')).usedSize / MB
    await cdp.send('HeapProfiler.collectGarbage')
    const heapAfterGc = (await cdp.send('Runtime.getHeapUsage')).usedSize / MB
    return {
      lines,
      fileMB: (w.bytes + 6) / MB,
      writeSeconds: (w.endAt - w.startAt) / 1000,
      newestLineMs: shown === null ? undefined : shown - w.endAt,
      waitSeconds,
      frames: frames.frames,
      frameP50: frames.p50,
      frameP99: frames.p99,
      longestFrameMs: frames.max,
      heapMaxMb: Math.max(heapMax, heapNow),
      heapAfterGcMb: heapAfterGc,
      skippedMarker: skipped,
      screen,
      serverPeakRssMb: peakRssMb(server.proc.pid),
      survived: alive(server.proc),
      exit: state.exited,
    }
  } finally {
    writer.kill()
    await browser.close()
    await stopProc(server.proc)
    rmSync(dir, { recursive: true, force: true })
  }
}
