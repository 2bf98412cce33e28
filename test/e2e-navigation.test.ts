/**
 * Navigation that lands (issue 12, problems 1 and 2): a permalink opened in a new page and a
 * history search hit both enter a history view at their line, in a 200,000-line file, for a line
 * near its start: the line is marked (aria-current), inside the viewport, with context above and
 * below; live lines do not move the view, and "Back to live" returns to the end of the file.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-navigation')
const BIG = 200_000

describe.skipIf(!enabled)(`navigation in Chromium (server: ${serverKind()})`, () => {
  const s = browserSession()
  let big: string
  let server: RunningServer

  beforeAll(async () => {
    big = join(s.dir, 'big.log')
    writeFileSync(big, p.numbered('big', 1, BIG).join('\n') + '\n')
    server = await s.serve([big])
  })

  const open = (url: string): Promise<Page> => s.page(url)

  /** The marked line's text, once it is inside the log's viewport. */
  async function landed(page: Page, text: string): Promise<void> {
    const current = page.locator('[data-testid="line"][aria-current="true"]', { hasText: text })
    await current.waitFor({ timeout: 15_000 })
    await expect
      .poll(() =>
        page.evaluate(`(() => {
          const t = document.querySelector('[data-testid="line"][aria-current="true"]').getBoundingClientRect()
          const v = document.querySelector('[data-testid="log"]').getBoundingClientRect()
          return t.top >= v.top && t.bottom <= v.bottom
        })()`)
      )
      .toBe(true)
  }

  function nth(i: number): string {
    return `big ${String(i).padStart(5, '0')}`
  }

  it('a search hit near the start of a 200k-line file lands there, with context', async () => {
    const page = await open(server.url)
    await p.waitLines(page, (l) => l.at(-1) === `big ${BIG}`)
    await page.getByTestId('filter').fill('big 00042')
    await page.getByTestId('search-history').click()
    await page
      .getByTestId('search-results')
      .locator('a.hit', { hasText: 'big 00042' })
      .click({ timeout: 20_000 })
    await landed(page, 'big 00042')
    // Clear the filter: the context around the hit is there, above and below.
    await page.getByTestId('filter').fill('')
    await p.waitLines(page, (l) => l.includes(nth(41)) && l.includes(nth(43)))
    await landed(page, 'big 00042')
    expect(await page.getByTestId('live').isVisible()).toBe(true)
    const url = page.url()
    expect(url).toMatch(/#.*line=/)

    // The same link in a new page lands too.
    const linked = await open(url)
    await landed(linked, 'big 00042')
    await p.waitLines(linked, (l) => l.includes(nth(40)) && l.includes(nth(44)))

    // New lines arrive in the background and do not move the view; Back to live shows them.
    p.append(big, ['a line written later'])
    await linked.getByTestId('live').filter({ hasText: '1 new' }).waitFor({ timeout: 15_000 })
    await landed(linked, 'big 00042')
    await linked.getByTestId('live').click()
    await p.waitLines(linked, (l) => l.at(-1) === 'a line written later')
    expect(await linked.getByTestId('live').isVisible()).toBe(false)
    expect(await linked.locator('[aria-current="true"]:visible').count()).toBe(0)
  }, 60_000)

  it('history search streams its matches page by page, and goes further back', async () => {
    const page = await open(server.url)
    await p.waitLines(page, (l) => l.length > 0)
    await page.getByTestId('filter').fill('big 1')
    await page.getByTestId('search-history').click()
    const results = page.getByTestId('search-results')
    await results.getByRole('button', { name: 'Search further back' }).waitFor({ timeout: 20_000 })
    expect(await results.locator('a.hit').count()).toBe(200)
    expect(await results.locator('a.hit').first().textContent()).toBe('big 199999')
    expect(await page.getByTestId('search-cancel').count()).toBe(0)
    await results.getByRole('button', { name: 'Search further back' }).click()
    await expect.poll(() => results.locator('a.hit').count(), { timeout: 20_000 }).toBe(400)
    expect(await results.locator('a.hit').nth(200).textContent()).toBe('big 199799')
  }, 60_000)

  it('a permalink set as the hash of an open page lands on its line', async () => {
    const page = await open(server.url)
    await p.waitLines(page, (l) => l.length > 0)
    const first = await open(server.url)
    await first.getByTestId('filter').fill('big 00007')
    await first.getByTestId('search-history').click()
    const href = (await first
      .getByTestId('search-results')
      .locator('a.hit', { hasText: 'big 00007' })
      .getAttribute('href', { timeout: 20_000 })) as string
    await page.evaluate(`location.hash = ${JSON.stringify(href)}`)
    await landed(page, 'big 00007')
    // Near the start of the file: the lines above it are there down to the first.
    const stored = await p.storedLines(page)
    expect(stored.slice(0, 8)).toEqual(['start of file', ...p.numbered('big', 1, 7)])
  }, 60_000)
})
