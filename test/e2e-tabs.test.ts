/**
 * Tabs (issue 12, problem 8): the same path given twice is one tab, a background tab whose file
 * grew shows a badge (from the periodic /api/files, which also brings tabs of files that appear),
 * and the title names the file shown.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind } from './helpers-web/server.js'

const enabled = requireChromium('e2e-tabs') && serverKind() === 'real'

describe.skipIf(!enabled)('tabs in Chromium', () => {
  const s = browserSession()

  it('one tab per path, badges on background tabs, the file in the title', async () => {
    const a = p.logFile(s.dir, 'a.log', ['a one'])
    const b = p.logFile(s.dir, 'b.log', ['b one'])
    const server = await s.serve([a, b, join(s.dir, 'a.log')])
    const page = await s.page(server.url)
    await p.waitLines(page, (l) => l.includes('a one'))
    await expect
      .poll(() => page.getByTestId('file-tab').allTextContents())
      .toEqual(['a.log', 'b.log', 'All'])
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
