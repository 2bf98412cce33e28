/**
 * Long lines (issue 12, problem 3): a 3,000-character line never makes the list scroll sideways.
 * Unwrapped it is cut with an ellipsis on one row; with wrap on (remembered across a reload) the
 * row grows to show all of it, the rows around it stay in order, and the newest line stays in view.
 */
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-wrap')
const LONG = 'x'.repeat(1500) + ' middle ' + 'y'.repeat(1492)

describe.skipIf(!enabled)(`wrap in Chromium (server: ${serverKind()})`, () => {
  const s = browserSession()
  let server: RunningServer
  let page: Page

  beforeAll(async () => {
    const file = p.logFile(s.dir, 'long.log', [...p.numbered('short', 1, 5), LONG, 'after long'])
    server = await s.serve([file])
  })

  const widths = () =>
    page.evaluate(`(() => {
      const log = document.querySelector('[data-testid="log"]')
      const row = [...document.querySelectorAll('[data-testid="line"]')].find((t) => t.textContent.length > 2000)
      return {
        log: log.scrollWidth - log.clientWidth,
        doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        rowHeight: row.closest('.row').getBoundingClientRect().height,
        cut: row.scrollWidth > row.clientWidth,
        bottom: [...document.querySelectorAll('[data-testid="line"]')].find((t) => t.textContent === 'after long').getBoundingClientRect().bottom <= log.getBoundingClientRect().bottom,
      }
    })()`) as Promise<{
      log: number
      doc: number
      rowHeight: number
      cut: boolean
      bottom: boolean
    }>

  it('cuts a long line unwrapped, wraps it on toggle, and remembers the choice', async () => {
    expect(LONG.length).toBe(3000)
    page = await s.page(server.url)
    await p.waitLines(page, (l) => l.at(-1) === 'after long')
    const off = await widths()
    expect(off).toMatchObject({ log: 0, doc: 0, cut: true, bottom: true })
    expect(off.rowHeight).toBeLessThan(30)

    await page.getByTestId('wrap').click()
    await expect.poll(async () => (await widths()).rowHeight).toBeGreaterThan(100)
    const on = await widths()
    expect(on).toMatchObject({ log: 0, doc: 0, cut: false, bottom: true })
    expect(await p.shownLines(page)).toEqual([...p.numbered('short', 1, 5), LONG, 'after long'])

    await page.reload()
    await p.waitLines(page, (l) => l.at(-1) === 'after long')
    expect(await page.getByTestId('wrap').getAttribute('aria-pressed')).toBe('true')
    await expect.poll(async () => (await widths()).rowHeight).toBeGreaterThan(100)
    await page.getByTestId('wrap').click()
    await expect.poll(async () => (await widths()).rowHeight).toBeLessThan(30)
    expect((await widths()).log).toBe(0)
  }, 60_000)
})
