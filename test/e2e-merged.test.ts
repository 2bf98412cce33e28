/**
 * The merged view (issue 12): a tab "All" shows two files interleaved by timestamp, each line
 * with its file's tag; after a server kill -9 and restart while both files are written, the
 * page resumes from its merged cursor and holds every line once, in timestamp order.
 */
import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, startServer, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-merged') && serverKind() === 'real'

const at = (ms: number) => new Date(ms).toISOString()

/** Each rendered row of the merged view as "tag|text". */
async function taggedRows(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('.row')]
    .filter((r) => r.getBoundingClientRect().height > 0 && r.querySelector('[data-testid="line"]'))
    .map((r) => {
      const tag = r.querySelector('[data-testid="file-tag"]:not(.off)')
      return (tag ? tag.textContent : '') + '|' + r.querySelector('[data-testid="line"]').textContent
    })`)
}

/** Every line the merged view holds, as displayed (tags are not text: Save shown has none). */
const stored = (page: Page) => p.storedLines(page)

describe.skipIf(!enabled)('merged view in Chromium', () => {
  const s = browserSession()
  let restarted: RunningServer | undefined
  afterAll(async () => restarted?.stop())

  it('interleaves two files by time with file tags; resumes losslessly after kill -9', async () => {
    const t0 = Date.now() - 60_000
    const a = p.logFile(s.dir, 'api.log', [
      `${at(t0 + 1000)} INFO api one`,
      `${at(t0 + 3000)} ERROR api three`,
      '    at handler (api.js:3)',
      `${at(t0 + 5000)} INFO api five`,
    ])
    const b = p.logFile(s.dir, 'db.log', [
      `${at(t0 + 2000)} INFO db two`,
      `${at(t0 + 4000)} WARN db four`,
      `${at(t0 + 6000)} INFO db six`,
    ])
    let server: RunningServer = await s.serve([a, b])
    const page = await s.page(server.url)
    const all = page.locator('[data-testid="file-tab"][data-merged="true"]')
    await expect.poll(() => all.textContent()).toBe('All')
    await expect
      .poll(() => page.getByTestId('download-file').getAttribute('href'))
      .toMatch(/download\?file=/)
    await all.click()
    await expect.poll(() => page.url()).toMatch(/file=\*/)
    await expect.poll(() => page.title()).toBe('All files · taillight')
    const expected = [
      'api.log|' + `${at(t0 + 1000)} INFO api one`,
      'db.log|' + `${at(t0 + 2000)} INFO db two`,
      'api.log|' + `${at(t0 + 3000)} ERROR api three`,
      'api.log|    at handler (api.js:3)',
      'db.log|' + `${at(t0 + 4000)} WARN db four`,
      'api.log|' + `${at(t0 + 5000)} INFO api five`,
      'db.log|' + `${at(t0 + 6000)} INFO db six`,
    ]
    await expect.poll(() => taggedRows(page), { timeout: 10_000 }).toEqual(expected)
    // The two files' tags differ in colour; a filter works on the text as in one file.
    const colours = await page.evaluate(`[...new Set([...document.querySelectorAll(
      '[data-testid="file-tag"]:not(.off)')].map((t) => getComputedStyle(t).color))].length`)
    expect(colours).toBe(2)
    await page.getByTestId('filter').fill('three')
    await expect.poll(() => taggedRows(page)).toEqual([expected[2], expected[3]]) // the stack trace stays with its error line
    await page.getByTestId('filter').fill('')
    await expect.poll(() => taggedRows(page)).toEqual(expected)
    // Levels: the error with its stack trace; warnings from both files.
    const bar = page.getByTestId('levels')
    await bar.locator('[data-level="error"]').click()
    await bar.locator('[data-level="warn"]').click()
    await expect.poll(() => taggedRows(page)).toEqual([expected[2], expected[3], expected[4]])
    await bar.locator('[data-level="error"]').click()
    await bar.locator('[data-level="warn"]').click()
    await expect.poll(() => taggedRows(page)).toEqual(expected)
    // Download has no one file here: disabled, saying why (a click fetches nothing).
    const download = page.getByTestId('download-file')
    expect(await download.getAttribute('href')).toBeNull()
    expect(await download.getAttribute('aria-disabled')).toBe('true')
    expect(await download.getAttribute('title')).toMatch(/no single file/)
    // Save shown: each line after its file's name, as interleaved lines could not be told apart.
    const [shown] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-shown').click(),
    ])
    const saved = readFileSync((await shown.path()) as string, 'utf8').split('\n')
    expect(saved.filter(Boolean)).toEqual(expected.map((e) => e.replace('|', ': ')))
    // Pause holds what arrives from any file; resume shows it in order.
    await page.getByTestId('pause').click()
    await page.getByTestId('pause').filter({ hasText: 'Resume' }).waitFor()
    p.append(b, [`${at(t0 + 7000)} INFO db seven`])
    p.append(a, [`${at(t0 + 8000)} INFO api eight`])
    await page.getByTestId('pause').filter({ hasText: '(2 new)' }).waitFor({ timeout: 10_000 })
    expect(await taggedRows(page)).toEqual(expected)
    await page.getByTestId('pause').click()
    const more = [
      `db.log|${at(t0 + 7000)} INFO db seven`,
      `api.log|${at(t0 + 8000)} INFO api eight`,
    ]
    await expect.poll(() => taggedRows(page)).toEqual([...expected, ...more])

    // Live lines, then a crash while both files are written, then a restart on the same port.
    let n = 0
    const write = (count: number) => {
      for (let i = 0; i < count; i++, n++) {
        const stamp = at(Date.now())
        p.append(n % 2 ? b : a, [
          `${stamp} INFO ${n % 2 ? 'db' : 'api'} live ${String(n).padStart(4, '0')}`,
        ])
      }
    }
    write(10)
    await p.waitLines(page, (l) => l.some((x) => x.endsWith('live 0009')))
    await p.waitStatus(page, /^live/)
    // One event of api.log with two lines around one of db.log: the merge sends api's first
    // and db's line, and holds api's second for db's next line, so the cursor the page has when
    // the server dies is most likely inside api's event ("+1"): resume must skip exactly that.
    const now = Date.now()
    const num = (i: number) => String(n + i).padStart(4, '0')
    p.append(b, [`${at(now + 1)} INFO db live ${num(1)}`])
    p.append(a, [`${at(now)} INFO api live ${num(0)}`, `${at(now + 2)} INFO api live ${num(2)}`])
    n += 3
    await p.waitLines(page, (l) => l.some((x) => x.endsWith(`live ${num(-2)}`)), 5000)
    await server.kill()
    await p.waitStatus(page, /reconnecting|offline/)
    write(20)
    server = await restartOn([a, b], server.port)
    restarted = server
    await p.waitStatus(page, /^live/, 20_000)
    write(10)
    const live = async () => (await stored(page)).filter((l) => l.includes(' live '))
    // Lines stamped in the same millisecond go file by file: wait for all, not the last written.
    await expect
      .poll(async () => (await live()).length, { timeout: 20_000 })
      .toBeGreaterThanOrEqual(n)
    await page.waitForTimeout(500) // a duplicate would arrive by now
    const lines = await live()
    const numbers = lines.map((l) => Number(l.slice(-4)))
    // Every line once: 40 lines, no repeats, none missing.
    expect([...numbers].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i))
    // In timestamp order (the two files were written alternately, each line stamped when written).
    const stamps = lines.map((l) => Date.parse(l.slice(0, 24)))
    for (let i = 1; i < stamps.length; i++) expect(stamps[i]).toBeGreaterThanOrEqual(stamps[i - 1]!)
  }, 90_000)

  it('scrolls back through the merged history: every older line once, in time order', async () => {
    const t0 = Date.parse('2026-11-30T08:00:00Z')
    // api.log writes twice as often as db.log: a fixed share per file would not stay in order.
    const api = Array.from({ length: 800 }, (_, i) => `${at(t0 + i * 1000)} INFO api ${i}`)
    const db = Array.from({ length: 400 }, (_, i) => `${at(t0 + i * 2000 + 500)} INFO db ${i}`)
    const a = p.logFile(s.dir, 'api2.log', api)
    const b = p.logFile(s.dir, 'db2.log', db)
    const server = await s.serve([a, b])
    const page = await s.page(`${server.url}?file=*`)
    await p.waitLines(page, (l) => l.some((x) => x.endsWith('api 799')))
    await page.getByTestId('log').hover()
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, -20_000)
      await page.waitForTimeout(100)
      if ((await page.locator('[data-testid="marker"]', { hasText: 'start of file' }).count()) > 0)
        break
    }
    const expected = [...api, ...db].sort(
      (x, y) => Date.parse(x.slice(0, 24)) - Date.parse(y.slice(0, 24))
    )
    await expect
      .poll(async () => (await stored(page)).filter((l) => l.includes(' INFO ')).length, {
        timeout: 15_000,
      })
      .toBe(expected.length)
    expect((await stored(page)).filter((l) => l.includes(' INFO '))).toEqual(expected)
  }, 90_000)

  it('goes to a time: the first merged line at or after it, with both files around it', async () => {
    const t0 = Date.parse('2026-11-30T09:00:00Z')
    const api = Array.from({ length: 400 }, (_, i) => `${at(t0 + i * 1000)} INFO api ${i}`)
    const db = Array.from({ length: 200 }, (_, i) => `${at(t0 + i * 2000 + 500)} INFO db ${i}`)
    const server = await s.serve([
      p.logFile(s.dir, 'api3.log', api),
      p.logFile(s.dir, 'db3.log', db),
    ])
    const page = await s.page(`${server.url}?file=*`)
    await p.waitLines(page, (l) => l.some((x) => x.endsWith('api 399')))
    // The input takes local time (datetime-local): 09:01:40 in the page's zone.
    const local = await p.localTime(page, t0 + 100_000)
    await page.getByTestId('goto-time').fill(local)
    await page.getByTestId('goto-time').press('Enter')
    const current = page.locator('[data-testid="line"][aria-current="true"]:visible')
    await expect.poll(() => current.allTextContents(), { timeout: 15_000 }).toEqual([api[100]])
    const around = async () => {
      const l = await stored(page)
      const i = l.indexOf(api[100] as string)
      return l.slice(i - 2, i + 2)
    }
    await expect.poll(around).toEqual([db[49], api[99], api[100], db[50]])
    expect((await page.getByTestId('goto-time').getAttribute('class')) ?? '').not.toMatch(/invalid/)
    expect(await page.getByTestId('live').isVisible()).toBe(true)
  }, 60_000)

  async function restartOn(files: string[], port: number): Promise<RunningServer> {
    // The old socket is gone after SIGKILL; retry briefly in case the port is still settling.
    for (let i = 0; ; i++) {
      try {
        return await startServer(files, { port })
      } catch (e) {
        if (i >= 10) throw e
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  }
})
