/**
 * @module Headless Chromium for the viewer benchmarks (playwright-core drives the system
 * /usr/bin/chromium; no browser download), with the frame probe they all use.
 */
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

export function chromiumPath() {
  const p = [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].find((x) => x && existsSync(x))
  if (!p) {
    throw Object.assign(
      new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)'),
      { code: 'E_NO_CHROMIUM', path: '/usr/bin/chromium' }
    )
  }
  return p
}

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-precise-memory-info',
    ],
  })
}

/**
 * Page script: records every animation-frame interval in window.__frames; a long interval is a
 * frame the page could not paint in time (its main thread was busy).
 */
export const FRAME_PROBE = `(() => {
  window.__frames = []
  let last = performance.now()
  const loop = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(loop) }
  requestAnimationFrame(loop)
})()`

/** Page expression: frame count, p50, p99 and longest interval of window.__frames. */
export const FRAME_STATS = `(() => {
  const f = window.__frames.slice().sort((a, b) => a - b)
  const q = (p) => f[Math.min(f.length - 1, Math.floor(p * f.length))]
  return { frames: f.length, p50: q(0.5), p99: q(0.99), max: f[f.length - 1] }
})()`

/**
 * Resolves once a `[data-testid="line"]` row's text includes `text` (starts with it, with
 * `startsWith`). The predicate is a function, not a string: the page's Content-Security-Policy
 * forbids string evaluation, and Playwright evaluates a string predicate with `new Function`.
 */
export function waitForLine(page, text, { timeout, startsWith = false }) {
  return page.waitForFunction(
    ([t, sw]) =>
      Array.from(globalThis.document.querySelectorAll('[data-testid="line"]')).some((e) =>
        sw ? e.textContent.startsWith(t) : e.textContent.includes(t)
      ),
    [text, startsWith],
    { timeout, polling: 50 }
  )
}
