/**
 * One browser session per test file for the viewer's end-to-end tests: Chromium, a temp dir,
 * servers and pages started through it and stopped after the file, and every page error (or
 * dialog) collected so the file fails on it. Call inside `describe`.
 */
import { rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect } from 'vitest'
import { launchBrowser, type Browser } from './browser.js'
import { tempDir } from './page.js'
import { startServer, type RunningServer } from './server.js'

export interface Session {
  readonly browser: Browser
  readonly dir: string
  serve(files: string[], args?: string[]): Promise<RunningServer>
  /** A new page at `url` (not navigated when url is undefined). */
  page(url?: string): Promise<Page>
}

export function browserSession(): Session {
  let browser: Browser | undefined
  let dir = ''
  const servers: RunningServer[] = []
  const pages: Page[] = []
  const errors: string[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
    dir = tempDir()
  }, 30_000)
  afterAll(async () => {
    for (const pg of pages) await pg.close()
    for (const s of servers) await s.stop()
    await browser?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
    expect(errors).toEqual([])
  })
  return {
    get browser() {
      if (!browser) throw new Error('browserSession: used before beforeAll')
      return browser
    },
    get dir() {
      return dir
    },
    async serve(files, args = []) {
      const s = await startServer(files, { args })
      servers.push(s)
      return s
    },
    async page(url) {
      const page = await this.browser.context.newPage()
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`)
        void d.dismiss()
      })
      pages.push(page)
      if (url !== undefined) await page.goto(url)
      return page
    },
  }
}
