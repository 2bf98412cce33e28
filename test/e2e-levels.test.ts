/**
 * Levels and the filter's rough edges in Chromium (issue 12, problems 6 and 8): the level bar
 * keeps a stack trace with its error line, Esc clears the toggles too, the inverted count says
 * what it counts, and a lookahead (which RE2, history search's engine, lacks) is refused up front.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-levels')
const LOG = [
  '2025-01-01 12:00:00 INFO started',
  '2025-01-01 12:00:01 ERROR request failed',
  'java.lang.IllegalStateException: boom',
  '    at com.example.Foo.bar(Foo.java:10)',
  '2025-01-01 12:00:02 WARN slow',
  '2025-01-01 12:00:03 INFO done',
]

describe.skipIf(!enabled)(`levels and filter in Chromium (server: ${serverKind()})`, () => {
  const s = browserSession()
  let server: RunningServer

  beforeAll(async () => {
    server = await s.serve([p.logFile(s.dir, 'levels.log', LOG)])
  })

  it('level bar, record filtering, Esc, the inverted count and the RE2 dialect', async () => {
    const page = await s.page(server.url)
    await p.waitLines(page, (l) => l.length === LOG.length)
    const bar = page.getByTestId('levels')
    await expect
      .poll(() => bar.locator('[data-level]').allTextContents())
      .toEqual(['error 3', 'warn 1', 'info 2', 'debug 0'])

    await bar.locator('[data-level="error"]').click()
    expect(await p.waitLines(page, (l) => l.length === 3)).toEqual(LOG.slice(1, 4))
    await bar.locator('[data-level="warn"]').click()
    expect(await p.waitLines(page, (l) => l.length === 4)).toEqual(LOG.slice(1, 5))
    await bar.locator('[data-level="error"]').click()
    await bar.locator('[data-level="warn"]').click()
    await p.waitLines(page, (l) => l.length === LOG.length)

    // A text filter on the error line keeps its trace.
    await page.getByTestId('filter').fill('request failed')
    expect(await p.waitLines(page, (l) => l.length === 3)).toEqual(LOG.slice(1, 4))

    // Inverted, the counts say the lines shown do not match.
    await page.getByTestId('filter').fill('INFO')
    await page.getByTestId('filter-invert').click()
    await p.waitLines(page, (l) => l.length === 4)
    expect(await page.getByTestId('counts').textContent()).toBe('4 of 6 lines shown (not matching)')
    expect(await page.getByTestId('filter-count').textContent()).toBe('4 not matching')

    // Esc clears the text and the toggles.
    await page.getByTestId('filter-regex').click()
    await page.getByTestId('filter').press('Escape')
    await p.waitLines(page, (l) => l.length === LOG.length)
    for (const t of ['filter-regex', 'filter-invert', 'filter-case'])
      expect(await page.getByTestId(t).getAttribute('aria-pressed')).toBe('false')

    // One dialect: a lookahead is refused in the page with the reason, as history search would.
    await page.getByTestId('filter-regex').click()
    await page.getByTestId('filter').fill('ERROR(?= request)')
    await expect.poll(() => page.getByTestId('filter-count').textContent()).toBe('invalid')
    expect(await page.getByTestId('filter').getAttribute('title')).toMatch(/lookahead.*RE2/)
  }, 60_000)
})
