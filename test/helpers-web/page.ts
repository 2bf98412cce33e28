/**
 * Page-level helpers for the browser tests. Expressions run in the page are strings: the test
 * files are type-checked with Node's lib (no DOM), and the viewer exposes `window.taillight`.
 */
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'taillight-e2e-'))
}

export function logFile(dir: string, name: string, lines: string[]): string {
  const path = join(dir, name)
  writeFileSync(path, lines.map((l) => l + '\n').join(''))
  return path
}

export function append(path: string, lines: string[]): void {
  appendFileSync(path, lines.map((l) => l + '\n').join(''))
}

export const numbered = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${String(from + i).padStart(5, '0')}`)

/**
 * The rendered lines, read in one evaluation: a locator's allTextContents queries, then reads in
 * a second round trip, and a frame between the two refills pooled rows (a marker prepended above
 * turned a row read as a line into "start of file").
 */
export async function shownLines(page: Page, testid = 'line'): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('[data-testid="${testid}"]')]
    .filter((e) => {
      // Playwright's :visible: a box of some size, not visibility: hidden
      const r = e.getBoundingClientRect()
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'
    })
    .map((e) => e.textContent ?? '')`)
}

/**
 * Waits until the rendered lines satisfy `ok`, then returns them. `testid`: the rows to read
 * ("seed-line": those the boot script draws before the viewer exists).
 */
export async function waitLines(
  page: Page,
  ok: (lines: string[]) => boolean,
  ms = 10_000,
  testid = 'line'
) {
  const until = Date.now() + ms
  let lines: string[] = []
  while (Date.now() < until) {
    lines = await shownLines(page, testid)
    if (ok(lines)) return lines
    await page.waitForTimeout(50)
  }
  throw new Error(
    `lines never matched; last seen (${lines.length}):\n${lines.slice(-15).join('\n')}`
  )
}

/** `ms` as a datetime-local input takes it: the page's own zone, to the second. */
export async function localTime(page: Page, ms: number): Promise<string> {
  return (await page.evaluate(`(() => {
    const d = new Date(${ms})
    const z = (n) => String(n).padStart(2, '0')
    return d.getFullYear() + '-' + z(d.getMonth() + 1) + '-' + z(d.getDate()) + 'T' + z(d.getHours()) + ':' + z(d.getMinutes()) + ':' + z(d.getSeconds())
  })()`)) as string
}

export async function status(page: Page): Promise<string> {
  return (await page.getByTestId('status').textContent()) ?? ''
}

export async function waitStatus(page: Page, re: RegExp, ms = 15_000): Promise<string> {
  const until = Date.now() + ms
  let s = ''
  while (Date.now() < until) {
    s = await status(page)
    if (re.test(s)) return s
    await page.waitForTimeout(50)
  }
  throw new Error(`status never matched ${re}; last: ${s}`)
}

const STORED = 'window.taillight.store.shownText().split("\\n").filter(Boolean)'

/** Every line the viewer holds (not just the rendered ones), as displayed. */
export async function storedLines(page: Page): Promise<string[]> {
  return page.evaluate(STORED)
}

/**
 * Waits until the lines the viewer holds satisfy `ok`, then returns them; none while the viewer
 * does not exist yet. `every`: ms between reads (each reads the whole store).
 */
export async function waitStored(
  page: Page,
  ok: (lines: string[]) => boolean,
  ms = 10_000,
  every = 50
): Promise<string[]> {
  const until = Date.now() + ms
  let lines: string[] = []
  while (Date.now() < until) {
    lines = await page.evaluate(`window.taillight ? ${STORED} : []`)
    if (ok(lines)) return lines
    await page.waitForTimeout(every)
  }
  throw new Error(
    `stored lines never matched; last (${lines.length}): ${lines.slice(-5).join(' | ')}`
  )
}
