/**
 * The rotated past in the viewer (issue 11): scrolling back past the start of the file goes on
 * into app.log.1 and app.log.2.gz, each behind a divider row naming it, down to 'start of
 * file'; history search results name the rotated file a match is in.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'
import { serverKind } from './helpers-web/server.js'
import { browserSession } from './helpers-web/session.js'

const enabled = requireChromium('e2e-rotated')

describe.skipIf(!enabled)(`rotated siblings in Chromium (server: ${serverKind()})`, () => {
  const s = browserSession()

  it('scrollback reaches the oldest sibling behind dividers; search hits name their file', async () => {
    const two = p.numbered('two', 1, 150)
    const one = p.numbered('one', 1, 120)
    const now = p.numbered('now', 1, 60)
    writeFileSync(join(s.dir, 'app.log.2.gz'), gzipSync(two.join('\n') + '\n'))
    writeFileSync(join(s.dir, 'app.log.1'), one.join('\n') + '\n')
    const path = p.logFile(s.dir, 'app.log', now)
    const server = await s.serve([path])
    const page = await s.page(server.url)
    await p.waitLines(page, (l) => l.at(-1) === now.at(-1))
    // Scroll to the top until the oldest line is loaded (each reach of the top loads a page).
    const want = ['start of file', ...two, '↑ app.log.2.gz', ...one, '↑ app.log.1', ...now]
    await expect
      .poll(
        async () => {
          await page.evaluate(`document.querySelector('[data-testid="log"]').scrollTop = 0`)
          return (await p.storedLines(page))[0]
        },
        { timeout: 20_000, interval: 200 }
      )
      .toBe('start of file')
    expect(await p.storedLines(page)).toEqual(want)

    await page.getByTestId('filter').fill('0001')
    await page.getByTestId('search-history').click()
    const results = page.getByTestId('search-results')
    await results.locator('a.hit').first().waitFor({ timeout: 20_000 })
    await expect
      .poll(() => page.getByTestId('search-progress').count(), { timeout: 20_000 })
      .toBe(0)
    const hits = await results.locator('a.hit').evaluateAll((as) =>
      as.map((a) => ({
        source: a.querySelector('[data-testid="hit-source"]')?.textContent ?? null,
        text: a.lastChild?.textContent ?? '',
      }))
    )
    // Newest first: the current file's matches, then app.log.1's, then app.log.2.gz's.
    const of = (lines: string[], source: string | null) =>
      lines
        .filter((l) => l.includes('0001'))
        .reverse()
        .map((text) => ({ source, text }))
    expect(hits).toEqual([...of(now, null), ...of(one, 'app.log.1'), ...of(two, 'app.log.2.gz')])
  }, 60_000)
})
