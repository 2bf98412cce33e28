/**
 * @module The histogram's bars: one element per bucket with a segment per level, stacked from
 * the bottom, heights relative to the tallest bar. The elements are kept and refilled (at most
 * MAX_BARS of them), so a redraw costs the same however many lines the buckets count.
 */
import { LEVELS } from './records.js'
import type { Bar } from './time-buckets.js'

const SLOTS = [...LEVELS, 'none'] as const

export function drawBars(root: HTMLElement, bars: Bar[], width: number): void {
  const max = Math.max(1, ...bars.map((b) => b.total))
  const kids = root.children
  while (kids.length > bars.length) root.lastElementChild?.remove()
  while (kids.length < bars.length) root.append(newBar())
  bars.forEach((bar, i) => {
    const node = kids[i] as HTMLElement
    // At 10,000 lines/s only the newest bar changes most frames: leave the others alone.
    const sig = `${bar.start}|${width}|${bar.counts.join(',')}|${max}`
    if (node.dataset.sig === sig) return
    node.dataset.sig = sig
    node.dataset.start = String(bar.start)
    node.dataset.width = String(width)
    node.dataset.count = String(bar.total)
    const parts = SLOTS.map((l, j) => `${bar.counts[j]} ${l}`).filter((p) => !p.startsWith('0 '))
    node.title = `${new Date(bar.start).toLocaleString()}: ${bar.total} lines${parts.length ? ` (${parts.join(', ')})` : ''}`
    for (let j = 0; j < SLOTS.length; j++) {
      const seg = node.children[j] as HTMLElement
      const n = bar.counts[j] as number
      seg.dataset.count = String(n)
      seg.style.height = `${(n / max) * 100}%`
    }
  })
}

function newBar(): HTMLElement {
  const bar = document.createElement('div')
  bar.className = 'hist-bar'
  bar.dataset.testid = 'histogram-bar'
  for (const l of SLOTS) {
    const seg = document.createElement('span')
    seg.className = `hist-seg hist-${l}`
    seg.dataset.level = l
    bar.append(seg)
  }
  return bar
}
