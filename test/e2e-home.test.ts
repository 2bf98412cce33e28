/**
 * Home and `g` (issue 12, "Home jumps to the start of the file"): in a file far larger than the
 * page's buffer (cap=1000, 20,000 lines) the start is never loaded; Home opens the history view
 * at the file's first line (`/api/lines?from=start`), marked with aria-current, and G returns.
 * In a small file the start is one scrollback page away and the view stays live.
 */
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-home') && serverKind() === 'real'

describe.skipIf(!enabled)('Home and g in Chromium', () => {
  const s = browserSession()
  let server: RunningServer

  beforeAll(async () => {
    const big = p.logFile(s.dir, 'big.log', p.numbered('b', 1, 20_000))
    const small = p.logFile(s.dir, 'small.log', p.numbered('s', 1, 600))
    server = await s.serve([big, small])
  })

  const current = (page: Page) =>
    page.locator('[data-testid="line"][aria-current="true"]:visible').allTextContents()

  async function open(file: string, last: string): Promise<Page> {
    const page = await s.page(`${server.url}?cap=1000&file=${file}`)
    await p.waitLines(page, (l) => l.at(-1) === last)
    await page.getByTestId('log').click({ position: { x: 5, y: 5 } })
    return page
  }

  it('Home and g land on the first line of a file larger than the buffer', async () => {
    const ids = (await (await fetch(`${server.url}api/files`)).json()) as { id: string }[]
    const page = await open(ids[0]!.id, 'b 20000')
    expect(await page.evaluate('window.taillight.store.total')).toBeLessThanOrEqual(1000)
    await page.keyboard.press('Home')
    await expect.poll(() => current(page), { timeout: 10_000 }).toEqual(['b 00001'])
    const shown = await p.shownLines(page)
    expect(shown[0]).toBe('b 00001')
    expect(shown).toContain('b 00010')
    expect(await page.getByTestId('live').isVisible()).toBe(true)

    await page.keyboard.press('G')
    await p.waitLines(page, (l) => l.at(-1) === 'b 20000')
    expect(await current(page)).toEqual([])
    await page.keyboard.press('g')
    await expect.poll(() => current(page), { timeout: 10_000 }).toEqual(['b 00001'])
  }, 60_000)

  it('in a file whose start is one page away, Home stays live and marks the first line', async () => {
    const ids = (await (await fetch(`${server.url}api/files`)).json()) as { id: string }[]
    const page = await s.page(`${server.url}?file=${ids[1]!.id}`)
    await p.waitLines(page, (l) => l.at(-1) === 's 00600')
    await page.getByTestId('log').click({ position: { x: 5, y: 5 } })
    await page.keyboard.press('Home')
    await expect.poll(() => current(page), { timeout: 10_000 }).toEqual(['s 00001'])
    expect(await page.getByTestId('live').isVisible()).toBe(false)
    expect(await page.evaluate('window.taillight.history.active')).toBe(false)
  }, 60_000)

  it('/api/lines?from=start answers the first lines, and rejects other forms', async () => {
    const ids = (await (await fetch(`${server.url}api/files`)).json()) as { id: string }[]
    const q = (s: string) => fetch(`${server.url}api/lines?file=${ids[0]!.id}&${s}`)
    const ok = (await (await q('from=start&limit=3')).json()) as { lines: string[] }
    expect(ok.lines).toEqual(['b 00001', 'b 00002', 'b 00003'])
    const bad = await q('from=end')
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad_param')
    expect((await q('from=start&before=0-00000000000000')).status).toBe(400)
  })
})
