/**
 * Go to a time (issue 12, "Navigation that lands"): a time typed in `goto-time` opens the history
 * view at the first line at or after it (the server's `/api/lines?at=`), marked and in view.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-goto-time') && serverKind() === 'real'
const T0 = Date.parse('2026-12-01T10:00:00Z')
const stamp = (i: number) =>
  `${new Date(T0 + i * 1000).toISOString().replace('.000', '')} line ${String(i).padStart(5, '0')}`

describe.skipIf(!enabled)('go to time in Chromium', () => {
  const s = browserSession()
  let server: RunningServer

  beforeAll(async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => stamp(i))
    server = await s.serve([p.logFile(s.dir, 'timed.log', lines)])
  })

  it('lands on the first line at or after the time', async () => {
    const page = await s.page(server.url)
    await p.waitLines(page, (l) => l.at(-1) === stamp(4999))
    // The input takes local time: the page turns 10:05:00.5Z into its own zone.
    const local = await p.localTime(page, T0 + 300_500)
    await page.getByTestId('goto-time').fill(local)
    await page.getByTestId('goto-time').press('Enter')
    const current = page.locator('[data-testid="line"][aria-current="true"]:visible')
    await expect.poll(() => current.allTextContents(), { timeout: 15_000 }).toEqual([stamp(300)])
    await p.waitLines(page, (l) => l.includes(stamp(299)) && l.includes(stamp(301)))
    expect(await page.getByTestId('live').isVisible()).toBe(true)
  }, 60_000)
})
