/**
 * @module Fills one pool row for an entry: level class, gutter (permalink, JSON toggle) and the text as
 * styled spans built with textContent only, so log content can never become markup.
 */
import { paletteColor, parseAnsi, stripAnsi, type Color, type Style } from './ansi.js'
import { h } from './dom.js'
import { parseTag, tagColour } from './file-tag.js'
import { looksLikeJson } from './json-line.js'
import type { HlRange } from './highlight-rules.js'
import { segment } from './segments.js'
import { loadable } from './skipped-range.js'
import type { Entry } from './store.js'

export interface RowParts {
  link: HTMLAnchorElement
  json: HTMLButtonElement
  /** The merged view's file label (hidden on other rows). */
  tag: HTMLElement
  text: HTMLElement
  /** The "load" button of a skipped-range marker (hidden on other rows). */
  load: HTMLButtonElement
}

const parts = new WeakMap<HTMLElement, RowParts>()

export function rowParts(el: HTMLElement): RowParts {
  let p = parts.get(el)
  if (p) return p
  const link = h('a', { className: 'link', textContent: '#', title: 'Permalink to this line' })
  const json = h('button', { className: 'json', type: 'button', textContent: '{}' })
  json.title = 'Show as formatted JSON'
  const tag = h('span', { className: 'file-tag off' })
  tag.dataset.testid = 'file-tag'
  const text = h('span')
  const load = h('button', { className: 'load off', type: 'button', textContent: 'load' })
  load.dataset.testid = 'skipped-load'
  load.title = 'Load the skipped lines from the server'
  el.replaceChildren(link, json, tag, text, load)
  p = { link, json, tag, text, load }
  parts.set(el, p)
  return p
}

/** Empties a row the list no longer shows. */
export function clearRow(el: HTMLElement): void {
  const p = rowParts(el)
  p.text.replaceChildren()
  p.text.removeAttribute('aria-current')
}

export function fillRow(
  el: HTMLElement,
  e: Entry,
  ranges: [number, number][],
  href: string | undefined,
  /** Highlight-rule matches of the displayed text (highlight-rules.ts), under the filter's. */
  hl: (plain: string) => readonly HlRange[] = () => []
): void {
  const p = rowParts(el)
  // A merged view's line starts with its file's tag (file-tag.ts): a label, not text.
  const tagged = e.marker ? undefined : parseTag(e.text)
  const raw = tagged ? tagged.rest : e.text
  showTag(p.tag, tagged?.file)
  const plain = stripAnsi(raw)
  // The record's level (records.ts): a stack trace's lines take their error line's colour.
  const level = e.marker ? undefined : e.level
  el.className = e.marker
    ? 'row marker'
    : `row${level ? ` lvl-${level}` : ''}${e.head ? ' cont' : ''}`
  p.text.dataset.testid = e.skipped ? 'skipped' : e.marker ? 'marker' : 'line'
  p.text.className = 'text'
  const canLoad = e.skipped !== undefined && !e.skipped.loading && loadable(e.skipped.range)
  p.load.classList.toggle('off', !canLoad)
  p.load.disabled = !canLoad
  if (e.skipped) el.className = 'row marker skipped'
  p.link.classList.toggle('off', href === undefined)
  if (href !== undefined) p.link.href = href
  p.json.classList.toggle('off', e.marker === true || !looksLikeJson(plain))
  const rules = e.marker ? [] : hl(plain)
  if (plain === raw && ranges.length === 0 && rules.length === 0) {
    p.text.textContent = raw
    return
  }
  const nodes = segment(parseAnsi(raw), ranges, rules).map((s) => {
    const node = document.createElement(s.mark ? 'mark' : 'span')
    node.textContent = s.text
    applyStyle(node, s.style)
    if (s.hl !== undefined) node.classList.add('hl', `hl-${s.hl}`)
    return node
  })
  p.text.replaceChildren(...nodes)
}

function showTag(tag: HTMLElement, file: string | undefined): void {
  if (file === undefined) {
    if (!tag.classList.contains('off')) tag.className = 'file-tag off'
    return
  }
  tag.className = `file-tag ftag-${tagColour(file)}`
  if (tag.textContent !== file) tag.textContent = file
  tag.title = file
}

function applyStyle(node: HTMLElement, s: Style): void {
  const fg = s.inverse ? (s.bg ?? 'bg') : s.fg
  const bg = s.inverse ? (s.fg ?? 'fg') : s.bg
  const classes: string[] = []
  if (s.bold) classes.push('a-b')
  if (s.dim) classes.push('a-d')
  if (s.italic) classes.push('a-i')
  if (s.underline) classes.push('a-u')
  if (s.strike) classes.push('a-s')
  if (fg !== undefined) setColor(node, 'color', fg, classes, 'f')
  if (bg !== undefined) setColor(node, 'backgroundColor', bg, classes, 'g')
  if (classes.length) node.className = classes.join(' ')
}

/** Palette 0–15 use theme variables (readable in light and dark), the rest exact colours. */
function setColor(
  node: HTMLElement,
  prop: 'color' | 'backgroundColor',
  c: Color | 'fg' | 'bg',
  classes: string[],
  prefix: string
): void {
  if (c === 'fg' || c === 'bg') classes.push(`a-${prefix}-${c}`)
  else if (typeof c === 'number' && c < 16) classes.push(`a-${prefix}${c}`)
  else node.style[prop] = typeof c === 'number' ? paletteColor(c) : c
}
