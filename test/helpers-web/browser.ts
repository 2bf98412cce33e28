/**
 * Real Chromium for the end-to-end tests: playwright-core driving Debian's `chromium` package with
 * a fresh profile. Without it, tests fail in CI (naming the package to install) and are skipped
 * with a loud warning elsewhere.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser']

export const chromiumPath = CANDIDATES.find((p): p is string => !!p && existsSync(p))

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** True when the browser tests can run; warns (or, in CI, throws) otherwise. */
export function requireChromium(suite: string): boolean {
  if (chromiumPath) return true
  const msg = `${suite}: Chromium not found (looked for ${CANDIDATES.filter(Boolean).join(', ')}); install the Debian package \`chromium\` (apt-get install -y chromium) or set CHROMIUM_PATH`
  if (process.env.CI) throw new Error(msg)
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING BROWSER TESTS: ${msg}\n${'!'.repeat(100)}\n`)
  return false
}

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'taillight-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1200, height: 720 },
  })
  return {
    context,
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
