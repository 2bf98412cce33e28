/**
 * Highlight rules and the histogram (issue 12): rules colour loaded and new lines (under the
 * filter's marks), persist across a reload, travel in a `#rules=` link that a fresh page offers
 * to import; a rule with notify asks for permission on the click and notifies (rate-limited) for
 * new matching lines while the tab is hidden. The histogram's bars count the loaded lines by
 * level, and a click on a bar brings that bucket's first line into view, marked.
 */
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind, type RunningServer } from './helpers-web/server.js'

/** A busy machine (2 cores, several suites) can take seconds where a quiet one takes ms. */
const POLL = { timeout: 10_000 }
const enabled = requireChromium('e2e-highlight') && serverKind() === 'real'
const LEVELS = ['ERROR', 'WARN', 'INFO', 'INFO', 'DEBUG']
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0)
const stamp = (i: number, every: number) => new Date(T0 + i * every).toISOString()

/** Lines `every` ms apart with a level each; `tag(i)` adds words to some. */
function timed(n: number, every: number, tag: (i: number) => string = () => '') {
  return Array.from(
    { length: n },
    (_, i) => `${stamp(i, every)} ${LEVELS[i % 5]} line ${String(i).padStart(5, '0')}${tag(i)}`
  )
}

const NOTIFICATION_STUB = `
  window.__notes = []; window.__asked = 0; let hidden = false
  class N {
    constructor(title, o) { window.__notes.push({ title, body: o && o.body }) }
    static requestPermission() { window.__asked++; N.permission = 'granted'; return Promise.resolve('granted') }
  }
  N.permission = 'default'
  window.Notification = N
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden })
  Object.defineProperty(Document.prototype, 'visibilityState', {
    configurable: true, get: () => (hidden ? 'hidden' : 'visible') })
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')) }
`

describe.skipIf(!enabled)('highlight rules and the histogram in Chromium', () => {
  const s = browserSession()
  let server: RunningServer
  let hlLog = ''
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    hlLog = p.logFile(
      s.dir,
      'hl.log',
      timed(40, 1000, (i) => (i % 7 === 3 ? ' timeout x' : ''))
    )
    const hist = p.logFile(s.dir, 'hist.log', timed(60, 3000))
    const long = p.logFile(s.dir, 'long.log', timed(3000, 3000))
    const plain = p.logFile(s.dir, 'plain.log', p.numbered('plain', 1, 30))
    server = await s.serve([hlLog, hist, long, plain])
    const files = (await (await fetch(`${server.url}api/files`)).json()) as {
      id: string
      path: string
    }[]
    for (const f of files) ids[f.path.split('/').pop() as string] = f.id
  })

  async function open(file: string, last: (l: string[]) => boolean, init?: string): Promise<Page> {
    const page = await s.page()
    if (init) await page.addInitScript(init)
    await page.goto(`${server.url}?file=${ids[file]}`)
    await p.waitLines(page, last)
    return page
  }

  /** The highlighted pieces of the rendered lines: [text, colour class]. */
  const highlighted = (page: Page): Promise<[string, string][]> =>
    page.evaluate(`[...document.querySelectorAll('[data-testid="line"] .hl')]
      .map((e) => [e.textContent, [...e.classList].find((c) => /^hl-\\d$/.test(c))])`)

  async function addRule(page: Page, text: string, color: string, regex = false) {
    if (!(await page.getByTestId('highlight-dialog').isVisible()))
      await page.getByTestId('highlight-rules').click()
    await page.getByTestId('rule-add').click()
    const rule = page.getByTestId('rule').last()
    await rule.getByTestId('rule-text').fill(text)
    if (regex) await rule.getByTestId('rule-regex').check()
    await rule.getByTestId('rule-color').selectOption(color)
  }

  it('rules colour loaded and new lines, combine with the filter, persist, and travel by link', async () => {
    const page = await open('hl.log', (l) => l.at(-1)?.includes('line 00039') === true)
    await page.evaluate('localStorage.clear()')
    await addRule(page, 'timeout', 'red')
    await expect.poll(() => highlighted(page), POLL).toContainEqual(['timeout', 'hl-4'])
    const loaded = (await highlighted(page)).filter(([t]) => t === 'timeout').length
    expect(loaded).toBe((await p.shownLines(page)).filter((l) => l.includes('timeout')).length)

    await addRule(page, 'line 000[34]\\d', 'blue', true)
    await expect.poll(() => highlighted(page), POLL).toContainEqual(['line 00039', 'hl-2'])
    await page.getByTestId('rule').last().getByTestId('rule-text').fill('(?=x)')
    await expect
      .poll(() => page.getByTestId('rule-error').last().textContent(), POLL)
      .toContain('lookahead')
    await page.getByTestId('rule').last().getByTestId('rule-text').fill('line 000[34]\\d')

    p.append(hlLog, [`${stamp(40, 1000)} ERROR line 00040 timeout again`])
    await p.waitLines(page, (l) => l.at(-1)?.includes('line 00040') === true)
    await expect.poll(() => highlighted(page), POLL).toContainEqual(['line 00040', 'hl-2'])
    expect((await highlighted(page)).filter(([t]) => t === 'timeout').length).toBe(loaded + 1)

    // The filter's <mark> inside a rule's colour: both on the same piece.
    await page.getByTestId('filter').fill('time')
    await expect
      .poll(() => page.locator('[data-testid="line"] mark.hl-4').first().textContent(), POLL)
      .toBe('time')
    await page.getByTestId('filter').fill('')

    await page.reload()
    await p.waitLines(page, (l) => l.at(-1)?.includes('line 00040') === true)
    await expect.poll(() => highlighted(page), POLL).toContainEqual(['timeout', 'hl-4'])
    expect(await page.getByTestId('rule').count()).toBe(2)

    await page.getByTestId('highlight-rules').click()
    await page.getByTestId('rule-export').click()
    const link = await page.getByTestId('rule-export-url').inputValue()
    expect(link).toMatch(/#rules=[\w-]+$/)
    expect(link).not.toContain('timeout')

    const fresh = await s.page(server.url)
    await fresh.evaluate('localStorage.clear()')
    await fresh.goto('about:blank')
    await fresh.goto(link)
    await fresh.getByTestId('rule-import').waitFor()
    await p.waitLines(fresh, (l) => l.length > 0)
    expect(await highlighted(fresh)).toEqual([])
    await fresh.getByTestId('rule-import').click()
    await expect.poll(() => highlighted(fresh), POLL).toContainEqual(['timeout', 'hl-4'])
    expect(await fresh.evaluate('location.hash')).toBe('')
    const stored = (await fresh.evaluate(
      'JSON.parse(localStorage.getItem("taillight.highlight-rules"))'
    )) as { text: string }[]
    expect(stored.map((r) => r.text)).toEqual(['timeout', 'line 000[34]\\d'])
    // The same link again adds nothing: the rules are there already.
    await fresh.goto('about:blank')
    await fresh.goto(link)
    await fresh.getByTestId('rule-import').click()
    await expect.poll(() => fresh.evaluate('location.hash'), POLL).toBe('')
    expect(await fresh.getByTestId('rule').count()).toBe(2)
  }, 60_000)

  it('a notify rule asks on the click and notifies, rate-limited, for new lines while hidden', async () => {
    const page = await open('hl.log', (l) => l.length > 0, NOTIFICATION_STUB)
    await page.evaluate('localStorage.clear()')
    await addRule(page, 'PANIC', 'orange')
    await page.getByTestId('rule').last().getByTestId('rule-notify').check()
    expect(await page.evaluate('window.__asked')).toBe(1)

    p.append(hlLog, [`${stamp(41, 1000)} ERROR PANIC while visible`])
    await p.waitLines(page, (l) => l.at(-1)?.includes('while visible') === true)
    await page.evaluate('window.__setHidden(true)')
    p.append(
      hlLog,
      Array.from({ length: 200 }, (_, i) => `${stamp(42, 1000)} ERROR PANIC burst ${i}`)
    )
    await p.waitLines(page, (l) => l.at(-1)?.includes('burst 199') === true)
    await page.waitForTimeout(300)
    const notes = (await page.evaluate('window.__notes')) as { title: string; body: string }[]
    expect(notes.length).toBe(1)
    expect(notes[0]!.title).toContain('PANIC')
    expect(notes[0]!.body).toContain('PANIC burst 0')
    await page.evaluate('window.__setHidden(false)')
  }, 60_000)

  /** Every bar's per-level counts, read in one evaluation. */
  const bars = (page: Page) =>
    page.evaluate(`[...document.querySelectorAll('[data-testid="histogram-bar"]')].map((b) => ({
      start: Number(b.dataset.start), width: Number(b.dataset.width), count: Number(b.dataset.count),
      levels: Object.fromEntries([...b.children].map((s) => [s.dataset.level, Number(s.dataset.count)])),
    }))`) as Promise<
      { start: number; width: number; count: number; levels: Record<string, number> }[]
    >

  it('the histogram counts the loaded lines by level and bucket', async () => {
    const page = await open('hist.log', (l) => l.at(-1)?.includes('line 00059') === true)
    await expect.poll(() => page.evaluate('window.taillight.store.lines'), POLL).toBe(60)
    await expect
      .poll(async () => (await bars(page)).reduce((a, b) => a + b.count, 0), POLL)
      .toBe(60)
    const got = await bars(page)
    expect(got[0]!.width).toBe(5000)
    const want = new Map<number, Record<string, number>>()
    timed(60, 3000).forEach((l, i) => {
      const key = Math.floor((T0 + i * 3000) / 5000) * 5000
      const level = (LEVELS[i % 5] as string).toLowerCase()
      const c = want.get(key) ?? {}
      c[level] = (c[level] ?? 0) + 1
      want.set(key, c)
      expect(l).toContain(level.toUpperCase())
    })
    for (const bar of got) {
      const w = want.get(bar.start) ?? {}
      for (const level of ['error', 'warn', 'info', 'debug'])
        expect([bar.start, level, bar.levels[level]]).toEqual([bar.start, level, w[level] ?? 0])
      expect(bar.levels.none).toBe(0)
    }
    expect(await page.getByTestId('histogram').getAttribute('data-basis')).toBe('time')
  }, 60_000)

  it('a click on a bar shows the first line of its bucket; no timestamps: by arrival', async () => {
    const page = await open('long.log', (l) => l.at(-1)?.includes('line 02999') === true)
    await expect.poll(async () => (await bars(page)).length, POLL).toBeGreaterThan(3)
    // The first screen is filled by scrollback: wait until the loaded range stops growing.
    let held = -1
    await expect
      .poll(async () => {
        const was = held
        held = (await page.evaluate('window.taillight.store.total')) as number
        return held === was
      }, POLL)
      .toBe(true)
    const all = await bars(page)
    const first = all.find((b) => b.count > 0) as (typeof all)[number]
    await page.locator(`[data-testid="histogram-bar"][data-start="${first.start}"]`).click()
    const current = page.locator('[data-testid="line"][aria-current="true"]')
    await expect.poll(() => current.count(), POLL).toBe(1)
    const text = (await current.textContent()) as string
    const t = Date.parse(text.slice(0, 24))
    expect(t).toBeGreaterThanOrEqual(first.start)
    expect(t).toBeLessThan(first.start + first.width)
    expect(await current.isVisible()).toBe(true)
    const inBucket = (await p.storedLines(page)).find((l) => {
      const lt = Date.parse(l.slice(0, 24))
      return lt >= first.start && lt < first.start + first.width
    })
    expect(inBucket).toBe(text)

    const plain = await open('plain.log', (l) => l.at(-1) === 'plain 00030')
    await expect
      .poll(() => plain.getByTestId('histogram').getAttribute('data-basis'), POLL)
      .toBe('arrival')
    expect(await plain.getByTestId('histogram').textContent()).toContain('by arrival')
    await expect
      .poll(async () => (await bars(plain)).reduce((a, b) => a + b.count, 0), POLL)
      .toBe(await plain.evaluate('window.taillight.store.lines'))
  }, 60_000)
})
