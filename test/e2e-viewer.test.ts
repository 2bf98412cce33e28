/**
 * The viewer in real Chromium against a real taillight server (or the contract stub until the CLI
 * is built): what a person sees when opening, following, filtering, pausing, reconnecting,
 * downloading, scrolling back, following a permalink and switching files.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, requireChromium, type Browser } from './helpers-web/browser.js'
import * as p from './helpers-web/page.js'
import { serverKind, startServer, type RunningServer } from './helpers-web/server.js'

const enabled = requireChromium('e2e-viewer')

describe.skipIf(!enabled)(`viewer in Chromium (server: ${serverKind()})`, () => {
  let browser: Browser
  const cleanups: (() => Promise<void> | void)[] = []
  let dir: string

  beforeAll(async () => {
    browser = await launchBrowser()
    dir = p.tempDir()
  }, 30_000)

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
    await browser?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  async function serve(files: string[], args: string[] = []): Promise<RunningServer> {
    const s = await startServer(files, { args })
    cleanups.push(() => s.stop())
    return s
  }

  async function open(url: string): Promise<Page> {
    const page = await browser.context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`)
      void d.dismiss()
    })
    cleanups.push(async () => {
      expect(errors).toEqual([])
      await page.close()
    })
    await page.goto(url)
    return page
  }

  it('fills the first screen from the file on open, then shows new lines as they are written', async () => {
    const file = p.logFile(dir, 'open.log', p.numbered('open', 1, 30))
    const server = await serve([file])
    const page = await open(server.url)
    // The init is the last 10 lines; the rest of a screen comes from scrollback, to the start.
    const first = await p.waitLines(page, (l) => l.length === 30)
    expect(first).toEqual(p.numbered('open', 1, 30))
    await page.locator('[data-testid="marker"]', { hasText: 'start of file' }).waitFor()
    await expect
      .poll(() => page.getByTestId('counts').textContent())
      .toBe('30 lines · start of file')
    await p.waitStatus(page, /^live/)
    p.append(file, ['a brand new line'])
    const after = await p.waitLines(page, (l) => l.at(-1) === 'a brand new line')
    expect(after.slice(-2)).toEqual(['open 00030', 'a brand new line'])
    expect(await page.getByTestId('backend').textContent()).toMatch(
      /backend: (inotify|kqueue|poll)/
    )
  })

  it('filters loaded and arriving lines, highlights matches, inverts, and clears with Esc', async () => {
    const lines = ['alpha ERROR one', 'beta info two', 'gamma error three', 'delta warn four']
    const file = p.logFile(dir, 'filter.log', lines)
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.length === 4)
    await page.keyboard.press('/')
    await page.keyboard.type('error')
    await p.waitLines(page, (l) => l.length === 2)
    expect(await page.locator('[data-testid="line"] mark').allTextContents()).toEqual([
      'ERROR',
      'error',
    ])
    p.append(file, ['epsilon error five', 'zeta nothing'])
    expect(await p.waitLines(page, (l) => l.length === 3)).toEqual([
      lines[0],
      lines[2],
      'epsilon error five',
    ])
    await page.getByTestId('filter-case').click()
    expect(await p.waitLines(page, (l) => l.length === 2)).toEqual([lines[2], 'epsilon error five'])
    await page.getByTestId('filter-invert').click()
    expect(await p.waitLines(page, (l) => l.length === 4)).toEqual([
      lines[0],
      lines[1],
      lines[3],
      'zeta nothing',
    ])
    await page.getByTestId('filter-invert').click()
    await page.getByTestId('filter-case').click()
    await page.getByTestId('filter-regex').click()
    await page.getByTestId('filter').fill('^(beta|delta)')
    expect(await p.waitLines(page, (l) => l.length === 2)).toEqual([lines[1], lines[3]])
    await page.getByTestId('filter').press('Escape')
    await p.waitLines(page, (l) => l.length === 6)
  })

  it('pause holds new lines, counts them, and resume shows them all in order', async () => {
    const file = p.logFile(dir, 'pause.log', ['before pause'])
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.length === 1)
    await p.waitStatus(page, /^live/)
    await page.keyboard.press(' ')
    await page.getByTestId('pause').filter({ hasText: 'Resume' }).waitFor()
    p.append(file, p.numbered('held', 1, 5))
    await page.getByTestId('pause').filter({ hasText: '(5 new)' }).waitFor()
    expect(await p.shownLines(page)).toEqual(['before pause'])
    await page.getByTestId('pause').click()
    expect(await p.waitLines(page, (l) => l.length === 6)).toEqual([
      'before pause',
      ...p.numbered('held', 1, 5),
    ])
  })

  it('pause past the cap catches up from the server by cursor: nothing lost, nothing twice', async () => {
    const file = p.logFile(dir, 'overflow.log', ['start'])
    const server = await serve([file])
    const page = await open(`${server.url}?cap=100`)
    await p.waitLines(page, (l) => l.length === 1)
    await p.waitStatus(page, /^live/)
    await page.getByTestId('pause').click()
    p.append(file, p.numbered('burst', 1, 150))
    await p.waitStatus(page, /paused, disconnected/)
    p.append(file, p.numbered('burst', 151, 250))
    await page.getByTestId('pause').click()
    await p.waitStatus(page, /^live/)
    const all = await p.waitStored(page, (l) => l.at(-1) === 'burst 00250')
    // The ring keeps the newest 100: exactly the last 100 lines, in order, no duplicates.
    expect(all).toEqual(p.numbered('burst', 151, 250))
  })

  it('survives a server kill -9 and restart: status shows it, missed lines appear once', async () => {
    const file = p.logFile(dir, 'restart.log', p.numbered('r', 1, 5))
    let server = await serve([file])
    const page = await open(server.url)
    await p.waitLines(page, (l) => l.length === 5)
    await p.waitStatus(page, /^live/)
    await server.kill()
    await p.waitStatus(page, /reconnecting|offline/)
    p.append(file, p.numbered('r', 6, 12))
    server = await startServerOnPort([file], server.port)
    await p.waitStatus(page, /^live/, 20_000)
    p.append(file, p.numbered('r', 13, 14))
    const lines = await p.waitLines(page, (l) => l.at(-1) === 'r 00014')
    expect(lines).toEqual(p.numbered('r', 1, 14))
  })

  it('shows HTML in a line literally and runs nothing', async () => {
    const xss = '<img src=x onerror=alert(1)>'
    const file = p.logFile(dir, 'xss.log', [
      xss,
      '<script>alert(2)</script>',
      '\x1b[31m<b>red</b>\x1b[0m',
    ])
    const page = await open((await serve([file])).url)
    const lines = await p.waitLines(page, (l) => l.length === 3)
    expect(lines).toEqual([xss, '<script>alert(2)</script>', '<b>red</b>'])
    expect(await page.locator('main img, main script, main b').count()).toBe(0)
    await page.waitForTimeout(300) // an onerror handler would have fired by now (dialogs are recorded)
  })

  it('downloads the whole file and the shown (filtered) lines', async () => {
    const lines = ['keep 1', 'drop 2', 'keep 3', 'drop 4']
    const file = p.logFile(dir, 'download.log', lines)
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.length === 4)
    const [whole] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-file').click(),
    ])
    expect(readFileSync((await whole.path()) as string, 'utf8')).toBe(readFileSync(file, 'utf8'))
    await page.getByTestId('filter').fill('keep')
    await p.waitLines(page, (l) => l.length === 2)
    const [shown] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-shown').click(),
    ])
    expect(readFileSync((await shown.path()) as string, 'utf8')).toBe('keep 1\nkeep 3\n')
  })

  it('scrolls back to the start of the file, loading older lines from the server', async () => {
    const file = p.logFile(dir, 'scroll.log', p.numbered('old', 1, 1200))
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.at(-1) === 'old 01200' && l.length > 20)
    expect(await page.getByTestId('counts').textContent()).toMatch(
      /^showing [\d,]+ lines of 12 kB$/
    )
    await page.getByTestId('log').hover()
    for (let i = 0; i < 40; i++) {
      await page.mouse.wheel(0, -20_000)
      await page.waitForTimeout(100)
      if ((await page.locator('[data-testid="marker"]', { hasText: 'start of file' }).count()) > 0)
        break
    }
    // Loading keeps the view steady (older lines arrive above it): go to the top once more.
    await page.evaluate(`document.querySelector('[data-testid="log"]').scrollTop = 0`)
    await p.waitLines(page, (l) => l[0] === 'old 00001')
    expect(await p.storedLines(page)).toEqual(['start of file', ...p.numbered('old', 1, 1200)])
  })

  it('opens a permalink at its line with context before and after', async () => {
    const file = p.logFile(dir, 'link.log', p.numbered('link', 1, 300))
    const server = await serve([file])
    const page = await open(server.url)
    await p.waitLines(page, (l) => l.includes('link 00295'))
    const row = page.locator('.row', { hasText: 'link 00295' })
    await row.hover()
    const href = (await row.locator('a.link').getAttribute('href')) as string
    expect(href).toMatch(/#.*line=/)
    p.append(file, p.numbered('link', 301, 305))
    await p.waitLines(page, (l) => l.at(-1) === 'link 00305')
    const linked = await open(new URL(href, server.url).toString())
    await linked.locator('.row.target', { hasText: 'link 00295' }).waitFor()
    const stored = await p.waitStored(linked, (l) => l.at(-1) === 'link 00305')
    expect(stored).toEqual(p.numbered('link', 295 - 100, 305))
    // A line from far back: scrollback and search history both lead to it.
    await linked.getByTestId('filter').fill('link 00007')
    await linked.getByTestId('search-history').click()
    await linked.getByTestId('search-results').locator('a.hit', { hasText: 'link 00007' }).click()
    await linked.locator('.row.target', { hasText: 'link 00007' }).waitFor()
  })

  it('follows two files with tabs', async () => {
    const a = p.logFile(dir, 'first.log', ['first file line'])
    const b = p.logFile(dir, 'second.log', ['second file line'])
    const page = await open((await serve([a, b])).url)
    expect(await p.waitLines(page, (l) => l.length === 1)).toEqual(['first file line'])
    await expect
      .poll(() => page.getByTestId('file-tab').allTextContents())
      .toEqual(['first.log', 'second.log', 'All'])
    await page.getByTestId('file-tab').nth(1).click()
    expect(await p.waitLines(page, (l) => l[0] === 'second file line')).toEqual([
      'second file line',
    ])
    p.append(b, ['second grows'])
    p.append(a, ['first grows'])
    expect(await p.waitLines(page, (l) => l.length === 2)).toEqual([
      'second file line',
      'second grows',
    ])
    expect(page.url()).toMatch(/file=/)
  })

  it('stops autoscroll when scrolled up and offers "N new lines, jump to latest"', async () => {
    const file = p.logFile(dir, 'follow.log', p.numbered('f', 1, 200))
    const page = await open((await serve([file])).url + '?lines=200')
    await p.waitLines(page, (l) => l.at(-1) === 'f 00200')
    await page.getByTestId('log').hover()
    await page.mouse.wheel(0, -600)
    await expect.poll(() => p.shownLines(page).then((l) => l.includes('f 00200'))).toBe(false)
    const before = await p.shownLines(page)
    p.append(file, p.numbered('f', 201, 203))
    await page.getByTestId('jump').filter({ hasText: '3 new lines, jump to latest' }).waitFor()
    expect(await p.shownLines(page)).toEqual(before)
    await page.keyboard.press('End')
    await p.waitLines(page, (l) => l.at(-1) === 'f 00203')
    await expect.poll(() => page.getByTestId('jump').isHidden()).toBe(true)
    p.append(file, ['f 00204'])
    await p.waitLines(page, (l) => l.at(-1) === 'f 00204')
  })

  it('colours levels, renders ANSI without codes, and expands JSON lines', async () => {
    const json = '{"level":"error","msg":"boom","n":1}'
    const lines = [
      'ERROR db down',
      'WARN slow',
      'INFO ok',
      'DEBUG noise',
      '\x1b[1;32mgreen\x1b[0m',
      json,
    ]
    const file = p.logFile(dir, 'levels.log', lines)
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.length === 6)
    const classes = await page.evaluate(
      `Array.from(document.querySelectorAll('.row:not([hidden]):not(.marker)'), (e) => e.className)`
    )
    expect(classes).toEqual([
      'row lvl-error',
      'row lvl-warn',
      'row lvl-info',
      'row lvl-debug',
      'row',
      'row lvl-error',
    ])
    const green = page.locator('[data-testid="line"] span', { hasText: 'green' })
    expect(await green.getAttribute('class')).toBe('a-b a-f2')
    await page.locator('.row', { hasText: '"boom"' }).locator('button.json').click()
    expect(await page.getByTestId('detail').textContent()).toBe(
      JSON.stringify(JSON.parse(json), null, 2)
    )
    await page.keyboard.press('Escape')
    await expect.poll(() => page.getByTestId('panel').isHidden()).toBe(true)
  })

  it('trades ?token= for a cookie: the address bar and links lose it, every request works', async () => {
    const file = p.logFile(dir, 'token.log', ['secret line'])
    const server = await serve([file], ['--token', 's3cret'])
    const denied = await fetch(`${server.url}api/files`)
    expect(denied.status).toBe(401)
    const page = await open(`${server.url}?token=s3cret`)
    await p.waitLines(page, (l) => l.length === 1)
    await p.waitStatus(page, /^live/)
    expect(page.url()).not.toContain('token')
    p.append(file, ['after'])
    await p.waitLines(page, (l) => l.at(-1) === 'after')
    const href = (await page.getByTestId('download-file').getAttribute('href')) as string
    expect(href).not.toContain('s3cret')
    const status = await page.evaluate(async (u) => (await fetch(u)).status, href)
    expect(status).toBe(200)
  })

  it('shows a sign-in form to a person without the token, and signs in', async () => {
    const file = p.logFile(dir, 'signin.log', ['behind the form'])
    // Its own token: the browser context still holds the cookie of the test before (cookies
    // are per host, not per port).
    const server = await serve([file], ['--token', 'form-s3cret'])
    const page = await open(server.url)
    await page.getByTestId('sign-in').waitFor()
    await page.fill('#token', 'form-s3cret')
    await page.click('button[type="submit"]')
    await p.waitLines(page, (l) => l.includes('behind the form'))
    expect(page.url()).not.toContain('token')
  })

  it('marks truncation and rotation in the view and keeps following', async () => {
    const file = p.logFile(dir, 'gaps.log', p.numbered('g', 1, 3))
    const page = await open((await serve([file])).url)
    await p.waitLines(page, (l) => l.length === 3)
    await p.waitStatus(page, /^live/)
    writeFileSync(file, 'after truncate\n')
    await page.locator('[data-testid="marker"]', { hasText: 'truncated' }).waitFor()
    await p.waitLines(page, (l) => l.at(-1) === 'after truncate')
    renameSync(file, `${file}.1`)
    writeFileSync(file, 'in the new file\n')
    // Seen as a rename, or as missing for a moment and then a new file: "file appeared".
    await page.locator('[data-testid="marker"]', { hasText: /rotated|appeared/ }).waitFor()
    await p.waitLines(page, (l) => l.at(-1) === 'in the new file')
  })

  it('takes light and dark screenshots of a realistic log', async () => {
    const file = p.logFile(dir, 'app.log', sampleLog())
    const page = await open(`${(await serve([file])).url}?lines=100`)
    await page.setViewportSize({ width: 1280, height: 640 })
    await p.waitLines(page, (l) => l.length >= 20)
    await p.waitStatus(page, /^live/)
    const shots = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
    mkdirSync(shots, { recursive: true })
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.waitForTimeout(100)
      await page.screenshot({ path: `${shots}viewer-${scheme}.png` })
    }
    // Filtering with highlights and a JSON line opened in the side panel.
    await page.getByTestId('filter').fill('level|orders')
    await page.getByTestId('filter-regex').click()
    await page.locator('.row', { hasText: 'payment authorised' }).locator('button.json').click()
    await page.getByTestId('detail').waitFor()
    await page.screenshot({ path: `${shots}viewer-filter-dark.png` })
  })

  it('takes a screenshot of the merged view of three files', async () => {
    const api = p.logFile(dir, 'api.log', sampleLog())
    const db = p.logFile(dir, 'db.log', [
      '2025-06-01T09:14:02.300Z LOG  database system is ready to accept connections',
      '2025-06-01T09:14:03.100Z LOG  checkpoint starting: time',
      '2025-06-01T09:14:04.030Z LOG  duration: 411.902 ms  statement: SELECT * FROM orders WHERE customer_id = $1',
      '2025-06-01T09:14:05.500Z ERROR  deadlock detected',
      '2025-06-01T09:14:05.501Z DETAIL  Process 4121 waits for ShareLock on transaction 9912',
      '2025-06-01T09:14:07.250Z LOG  checkpoint complete: wrote 214 buffers (1.3%)',
    ])
    const worker = p.logFile(dir, 'worker.log', [
      '2025-06-01T09:14:02.700Z INFO  worker 1 started, queue=emails',
      '2025-06-01T09:14:03.600Z INFO  sent receipt for order 1042',
      '2025-06-01T09:14:05.100Z WARN  retrying job 77 (attempt 2/5): SMTP 421',
      '2025-06-01T09:14:06.400Z INFO  job 77 done in 1.3s',
    ])
    const page = await open((await serve([api, db, worker])).url + '?file=*&lines=100')
    await page.setViewportSize({ width: 1280, height: 640 })
    await p.waitLines(page, (l) => l.some((x) => x.includes('job 77 done')))
    await p.waitStatus(page, /^live/)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.waitForTimeout(400)
    const shots = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
    await page.screenshot({ path: `${shots}viewer-merged.png` })
  })

  async function startServerOnPort(files: string[], port: number): Promise<RunningServer> {
    // The old socket is gone after SIGKILL; retry briefly in case the port is still settling.
    for (let i = 0; ; i++) {
      try {
        const s = await startServer(files, { port })
        cleanups.push(() => s.stop())
        return s
      } catch (e) {
        if (i >= 10) throw e
        await new Promise((r) => setTimeout(r, 200))
      }
    }
  }
})

function sampleLog(): string[] {
  return [
    '2025-06-01T09:14:02.118Z INFO  server listening on http://127.0.0.1:8080',
    '2025-06-01T09:14:02.402Z DEBUG cache warmed: 1,204 keys in 212ms',
    '2025-06-01T09:14:03.010Z INFO  GET /api/orders 200 12ms request_id=7f3a',
    '2025-06-01T09:14:03.221Z INFO  GET /api/orders/1042 200 8ms request_id=7f3b',
    '{"time":"2025-06-01T09:14:03.5Z","level":"info","msg":"payment authorised","order":1042,"amount":59.9}',
    '2025-06-01T09:14:04.037Z WARN  slow query (412ms): SELECT * FROM orders WHERE customer_id = $1',
    '2025-06-01T09:14:04.990Z INFO  POST /api/checkout 201 44ms request_id=7f3c',
    '\x1b[32m✔\x1b[0m job \x1b[1mnightly-report\x1b[0m finished in \x1b[33m3.2s\x1b[0m',
    '2025-06-01T09:14:05.313Z ERROR upstream timeout after 5000ms: inventory-service',
    '    at fetchInventory (/srv/app/src/inventory.ts:88:11)',
    '    at async handleCheckout (/srv/app/src/checkout.ts:41:5)',
    '2025-06-01T09:14:05.402Z INFO  retrying inventory-service (attempt 2/3)',
    '{"time":"2025-06-01T09:14:05.9Z","level":"warn","msg":"retry budget low","remaining":1}',
    '2025-06-01T09:14:06.144Z INFO  GET /health 200 1ms',
    '2025-06-01T09:14:06.870Z DEBUG gc: 18MB freed, heap 142MB',
    '<img src=x onerror=alert(1)> (user-agent logged verbatim, shown as text)',
    '2025-06-01T09:14:07.551Z INFO  GET /api/orders?page=2 200 15ms request_id=7f3d',
    '2025-06-01T09:14:08.003Z FATAL could not open /var/lib/app/db.sqlite: disk full',
    '2025-06-01T09:14:08.120Z INFO  supervisor restarting worker 3',
    '\x1b[36m[worker 3]\x1b[0m ready in 640ms',
    '2025-06-01T09:14:09.311Z INFO  GET /api/orders 200 11ms request_id=7f3e',
    '2025-06-01T09:14:09.802Z TRACE ws ping client=42',
  ]
}
