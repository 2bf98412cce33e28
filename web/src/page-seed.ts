/**
 * @module The first lines the page itself carries (the server's page-seed.ts): read by the boot
 * script, which shows them at once, as plain rows, before the viewer's bundle has arrived; the
 * viewer then takes them as its init and resumes the stream where they end. Rows are built with
 * textContent only, and only the last screenful: the viewer's own list replaces them.
 */
import type { PageSeed } from '../../src/core/protocol.js'
import { stripAnsi } from './ansi.js'
import { detectLevel } from './level.js'

export type { PageSeed }

const ID = 'taillight-seed'
/** Rows drawn before the viewer: more than any screen holds, far fewer than a seed may carry. */
const ROWS = 150

/** The seed in the page, if any and well formed (a page served without one has none). */
export function readSeed(doc: Document = document): PageSeed | undefined {
  const text = doc.getElementById(ID)?.textContent
  if (!text) return undefined
  try {
    const s = JSON.parse(text) as Partial<PageSeed>
    const ok =
      typeof s.file === 'string' &&
      typeof s.first === 'string' &&
      typeof s.cursor === 'string' &&
      s.cursor !== '' &&
      Array.isArray(s.lines) &&
      s.lines.every((l) => typeof l === 'string') &&
      typeof s.info === 'object' &&
      s.info !== null &&
      s.info.id === s.file &&
      typeof s.info.path === 'string' &&
      typeof s.info.size === 'number'
    return ok ? (s as PageSeed) : undefined
  } catch {
    return undefined
  }
}

/** Shows the seed's last lines at the bottom of the log (the viewer's list takes over later). */
export function showSeed(log: HTMLElement, seed: PageSeed): void {
  const layer = document.createElement('div')
  layer.className = 'seed-rows'
  for (const line of seed.lines.slice(-ROWS)) {
    const row = layer.appendChild(document.createElement('div'))
    const level = detectLevel(line)
    row.className = level ? `row lvl-${level}` : 'row'
    // The gutter's two cells, empty: the text sits where the viewer's rows will put it.
    for (const c of ['link off', 'json off'])
      row.appendChild(document.createElement('span')).className = c
    const text = row.appendChild(document.createElement('span'))
    text.className = 'text'
    // Not yet the viewer's rows ("line"): what waits for those waits for the viewer.
    text.dataset.testid = 'seed-line'
    text.textContent = stripAnsi(line)
  }
  log.appendChild(layer)
  log.scrollTop = log.scrollHeight
}

/** The viewer draws its own rows from now on. */
export function dropSeedRows(log: HTMLElement): void {
  log.querySelector(':scope > .seed-rows')?.remove()
}
