/**
 * Tabs (issue 12, problem 8): the same path given twice is one tab, a background tab whose file
 * grew shows a badge (from the periodic /api/files, which also brings tabs of files that appear),
 * and the title names the file shown.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, requireChromium, type Browser } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'
import { serverKind, startServer, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-tabs') && serverKind() === 'real'

describe.skipIf(!enabled)('tabs in Chromium', () => {
  let browser: Browser
  let dir: string
  let server: RunningServer
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = p.tempDir()
  }, 30_000)

  afterAll(async () => {
    await page?.close()
    await server?.stop()
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
    expect(errors).toEqual([])
  })

  it('one tab per path, badges on background tabs, the file in the title', async () => {
    const a = p.logFile(dir, 'a.log', ['a one'])
    const b = p.logFile(dir, 'b.log', ['b one'])
    server = await startServer([a, b, join(dir, 'a.log')])
    page = await browser.context.newPage()
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(server.url)
    await p.waitLines(page, (l) => l.includes('a one'))
    await expect
      .poll(() => page.getByTestId('file-tab').allTextContents())
      .toEqual(['a.log', 'b.log'])
    await expect.poll(() => page.title()).toBe('a.log · taillight')

    p.append(b, ['b two'])
    const badge = page.getByTestId('file-tab').nth(1).getByTestId('tab-badge')
    await badge.waitFor({ timeout: 15_000 })
    expect(await badge.textContent()).toBe('new')
    await page.getByTestId('file-tab').nth(1).click()
    await p.waitLines(page, (l) => l.includes('b two'))
    await expect.poll(() => page.title()).toBe('b.log · taillight')
    expect(await page.getByTestId('file-tab').nth(1).getByTestId('tab-badge').count()).toBe(0)
  }, 60_000)
})
