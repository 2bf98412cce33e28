/**
 * The page's seed in Chromium: the lines the page carries are on screen before the viewer's
 * bundle has even arrived (app.js held back here), the viewer takes them as its init and the
 * stream resumes where they end, so lines written in between show once, none lost, with the
 * stream in its worker and in the page. A page whose seed no longer fits the file (replaced
 * since) starts over from the file, as a stale cursor does.
 */
import { renameSync } from 'node:fs'
import type { Page, Route } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'
import { serverKind } from './helpers-web/server.js'
import { browserSession } from './helpers-web/session.js'

// The contract stub serves a page without a seed.
const enabled = requireChromium('e2e-seed') && serverKind() === 'real'

describe.skipIf(!enabled)('the page seed in Chromium', () => {
  const session = browserSession()

  /** Holds the requests for `glob` back until release() is called. */
  async function hold(page: Page, glob: string) {
    let release = () => {}
    const held = new Promise<void>((r) => (release = r))
    await page.route(glob, async (route: Route) => {
      await held
      await route.continue()
    })
    return release
  }

  for (const query of ['', '?worker=0']) {
    it(`shows the seed before the viewer, then every later line once${query && ' (stream in the page)'}`, async () => {
      const file = p.logFile(
        session.dir,
        `seed${query ? '-page' : ''}.log`,
        p.numbered('seed', 1, 300)
      )
      const server = await session.serve([file])
      const page = await session.page()
      const release = await hold(page, '**/app.js')
      const releaseFiles = await hold(page, '**/api/files*')
      await page.goto(server.url + query, { waitUntil: 'commit' })
      const seeded = await p.waitLines(page, (l) => l.at(-1) === 'seed 00300', 10_000, 'seed-line')
      expect(seeded.length).toBeGreaterThan(10)
      expect(seeded).toEqual(p.numbered('seed', 301 - seeded.length, 300))
      expect(await page.evaluate('typeof window.taillight')).toBe('undefined')
      // Written after the page was served: the stream resumes before them.
      p.append(file, p.numbered('seed', 301, 305))
      release()
      const stored = await p.waitStored(page, (l) => l.at(-1) === 'seed 00305', 15_000)
      expect(stored).toEqual(p.numbered('seed', 306 - stored.length, 305))
      expect(stored.length).toBeGreaterThanOrEqual(205)
      // The file list has not come yet: the seed says what the count means and whose it is.
      await expect
        .poll(() => page.getByTestId('counts').textContent())
        .toMatch(/^showing [\d,]+ lines of [\d.]+ kB$/)
      expect(await page.getByTestId('path').textContent()).toBe(file)
      releaseFiles()
      await p.waitStatus(page, /^live/)
      p.append(file, ['after live'])
      const last = await p.waitStored(page, (l) => l.at(-1) === 'after live', 15_000)
      expect(last.filter((l) => l === 'seed 00305')).toHaveLength(1)
      expect(await page.locator('.seed-rows').count()).toBe(0)
      // The seed was the one init: the stream resumed, it did not start over.
      expect(await page.evaluate("performance.getEntriesByName('taillight-init').length")).toBe(1)
    })
  }

  it('a seed the file has moved on from starts over from the file', async () => {
    const file = p.logFile(session.dir, 'moved.log', p.numbered('old', 1, 50))
    const server = await session.serve([file])
    const html = await (await fetch(server.url)).text()
    expect(html).toContain('old 00050')
    // Replaced after that page was served: its cursor points into a file that is gone.
    renameSync(file, `${file}.1`)
    p.logFile(session.dir, 'moved.log', ['new 1', 'new 2'])
    const page = await session.page()
    // Served the page from before, as a slow network or a restored tab would.
    await page.route(server.url, (route) =>
      route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' })
    )
    await page.goto(server.url)
    const stored = await p.waitStored(page, (l) => l.at(-1) === 'new 2', 15_000)
    expect(stored.filter((l) => l.startsWith('new '))).toEqual(['new 1', 'new 2'])
    expect(new Set(stored).size).toBe(stored.length)
  })
})
