/**
 * Keys and mobile (issue 12, problem 4 and "Keys"): `?` opens the key help, g/G go to the start
 * and back to live, n/N step through matches, w toggles wrap, l reaches the levels; at 390x844
 * with a filter typed nothing is wider than the viewport, "Search history" stays on screen, and a
 * tap on a line opens it in the panel.
 */
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-keys-mobile')

describe.skipIf(!enabled)(`keys and mobile in Chromium (server: ${serverKind()})`, () => {
  const s = browserSession()
  let server: RunningServer

  beforeAll(async () => {
    const lines = p.numbered('k', 1, 120).map((l, i) => (i % 30 === 5 ? `${l} needle` : l))
    server = await s.serve([p.logFile(s.dir, 'keys.log', lines)])
  })

  async function open(): Promise<Page> {
    const page = await s.page(server.url)
    await p.waitLines(page, (l) => l.at(-1) === 'k 00120')
    return page
  }

  const current = (page: Page) =>
    page.locator('[data-testid="line"][aria-current="true"]:visible').allTextContents()

  it('keys: help, start and end, matches, wrap, levels', async () => {
    const page = await open()
    await page.getByTestId('log').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('?')
    await page.getByTestId('key-help').waitFor()
    const help = await page.getByTestId('key-help').textContent()
    for (const key of ['g', 'G', 'n, N', 'w', 'l', '?']) expect(help).toContain(key)
    await page.keyboard.press('Escape')
    expect(await page.getByTestId('key-help').isVisible()).toBe(false)

    await page.keyboard.press('g')
    await p.waitLines(page, (l) => l[0] === 'k 00001')
    await page.keyboard.press('G')
    await p.waitLines(page, (l) => l.at(-1) === 'k 00120')

    await page.getByTestId('filter').fill('needle')
    await p.waitLines(page, (l) => l.length === 4)
    await page.getByTestId('filter').press('Tab')
    await page.getByTestId('log').focus()
    await page.keyboard.press('n')
    await expect.poll(() => current(page)).toEqual(['k 00006 needle'])
    await page.keyboard.press('n')
    await expect.poll(() => current(page)).toEqual(['k 00036 needle'])
    await page.keyboard.press('N')
    await expect.poll(() => current(page)).toEqual(['k 00006 needle'])

    await page.keyboard.press('w')
    expect(await page.getByTestId('wrap').getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('w')
    expect(await page.getByTestId('wrap').getAttribute('aria-pressed')).toBe('false')
    await page.keyboard.press('l')
    expect(await page.evaluate('document.activeElement.dataset.level')).toBe('error')
  }, 60_000)

  it('at 390x844 with a filter typed nothing is wider than the screen; a tap opens the line', async () => {
    const page = await open()
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByTestId('filter').fill('k 0001')
    await p.waitLines(page, (l) => l.length === 10)
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    const box = await page.getByTestId('search-history').boundingBox()
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true)
    const shots = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
    mkdirSync(shots, { recursive: true })
    await page.screenshot({ path: `${shots}viewer-mobile.png` })
    await page.locator('[data-testid="line"]', { hasText: 'k 00015' }).click()
    await expect.poll(() => page.getByTestId('detail').textContent()).toBe('k 00015')
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
  }, 60_000)
})
