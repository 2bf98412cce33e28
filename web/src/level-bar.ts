/**
 * @module The level bar (`data-testid="levels"`, key `l` focuses it): one button per level with
 * the count of loaded lines of that level; pressed buttons choose the levels shown. Counts are
 * kept by the store as lines come and go, so drawing them costs four text updates a frame.
 */
import { el } from './dom.js'
import type { Level } from './level.js'
import { LEVELS } from './records.js'

export class LevelBar {
  private readonly root = el('levels')
  private readonly buttons = new Map<Level, HTMLButtonElement>()
  private readonly drawn = new Map<Level, number>()

  constructor(private readonly onChange: (levels: ReadonlySet<Level>) => void) {
    for (const level of LEVELS) {
      const b = document.createElement('button')
      b.type = 'button'
      b.className = `level lvl-${level}`
      b.dataset.level = level
      b.setAttribute('aria-pressed', 'false')
      b.title = `Show only ${level} lines (with their stack traces); several may be chosen`
      b.addEventListener('click', () => {
        b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'))
        this.onChange(this.chosen())
      })
      this.buttons.set(level, b)
      this.root.append(b)
    }
    this.draw({ error: 0, warn: 0, info: 0, debug: 0 })
  }

  focus(): void {
    this.buttons.get('error')?.focus()
  }

  chosen(): Set<Level> {
    const out = new Set<Level>()
    for (const [level, b] of this.buttons)
      if (b.getAttribute('aria-pressed') === 'true') out.add(level)
    return out
  }

  draw(counts: Readonly<Record<Level, number>>): void {
    for (const [level, b] of this.buttons) {
      const n = counts[level]
      if (this.drawn.get(level) === n) continue
      this.drawn.set(level, n)
      b.textContent = `${level} ${n.toLocaleString('en-US')}`
    }
  }
}
