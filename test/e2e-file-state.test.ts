/**
 * Honest file state (issue 12, problem 7): a missing file says "waiting for <path>", a path that
 * cannot be followed says "error: <code>" (a directory at the path here, ENOTREG: the tests run as
 * root, where EACCES cannot be made), never "live"; when the file appears the marker says "file appeared" and its lines show.
 * /health reports the error with its code.
 */
import { mkdirSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { requireChromium } from './helpers-web/browser.js'
import { browserSession } from './helpers-web/session.js'
import * as p from './helpers-web/page.js'
import { serverKind } from './helpers-web/server.js'

const enabled = requireChromium('e2e-file-state') && serverKind() === 'real'

describe.skipIf(!enabled)('file state in Chromium', () => {
  const s = browserSession()

  it('shows missing, then error with its code, then the file once it appears', async () => {
    const path = join(s.dir, 'later.log')
    const server = await s.serve([path])
    const page = await s.page(server.url)
    expect(await p.waitStatus(page, /waiting for/)).toBe(`waiting for ${path}`)
    expect(await page.getByTestId('status').getAttribute('data-state')).toBe('missing')

    mkdirSync(path)
    expect(await p.waitStatus(page, /^error/)).toBe('error: ENOTREG')
    const health = (await (await fetch(`${server.url}health`)).json()) as {
      status: string
      files: { state: string; code?: string }[]
    }
    expect(health.status).toBe('degraded')
    expect(health.files[0]).toMatchObject({ state: 'error', code: 'ENOTREG' })
    // A new page hears the state when it connects, not only pages that were there.
    const fresh = await s.page(server.url)
    expect(await p.waitStatus(fresh, /^error/)).toBe('error: ENOTREG')

    rmdirSync(path)
    writeFileSync(path, 'first line\n')
    await p.waitLines(page, (l) => l.includes('first line'), 15_000)
    await p.waitStatus(page, /^live$/)
    await page.locator('[data-testid="marker"]', { hasText: 'file appeared' }).waitFor()
  }, 60_000)
})
