/**
 * ANSI SGR → styled spans. Log lines from colourised tools carry escape codes; we turn colour and
 * weight into span styles and drop every other escape or control character, so raw codes never
 * reach the screen. Pure: the renderer maps a Style to classes/inline colours.
 */

/** 0–255 is the xterm palette (0–15 themable), a string is '#rrggbb'. */
export type Color = number | string

export interface Style {
  fg?: Color
  bg?: Color
  bold?: true
  dim?: true
  italic?: true
  underline?: true
  inverse?: true
  strike?: true
}

export interface Span {
  text: string
  style: Style
}

// CSI (ESC [ … final), OSC (ESC ] … BEL or ST), other ESC pairs, then lone C0/DEL controls but tab.
const TOKEN =
  /\x1b\[([0-9:;?<=>]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?|[\x00-\x08\x0a-\x1f\x7f\x9b]/g
const NEEDS_PARSE = /[\x00-\x08\x0a-\x1f\x7f\x9b]/

export function parseAnsi(line: string): Span[] {
  if (!NEEDS_PARSE.test(line)) return [{ text: line, style: {} }]
  const spans: Span[] = []
  let style: Style = {}
  let last = 0
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(line); m; m = TOKEN.exec(line)) {
    if (m.index > last) spans.push({ text: line.slice(last, m.index), style })
    last = TOKEN.lastIndex
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '')
  }
  if (last < line.length) spans.push({ text: line.slice(last), style })
  return mergeAdjacent(spans)
}

/** The line as it is displayed: what filters match against and what downloads of shown lines hold. */
export function stripAnsi(line: string): string {
  if (!NEEDS_PARSE.test(line)) return line
  TOKEN.lastIndex = 0
  return line.replace(TOKEN, '')
}

function applySgr(prev: Style, params: string): Style {
  const s: Style = { ...prev }
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)))
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] as number
    if (c === 0) for (const k of Object.keys(s)) delete s[k as keyof Style]
    else if (c === 1) s.bold = true
    else if (c === 2) s.dim = true
    else if (c === 3) s.italic = true
    else if (c === 4) s.underline = true
    else if (c === 7) s.inverse = true
    else if (c === 9) s.strike = true
    else if (c === 22) {
      delete s.bold
      delete s.dim
    } else if (c === 23) delete s.italic
    else if (c === 24) delete s.underline
    else if (c === 27) delete s.inverse
    else if (c === 29) delete s.strike
    else if (c >= 30 && c <= 37) s.fg = c - 30
    else if (c >= 90 && c <= 97) s.fg = c - 90 + 8
    else if (c === 39) delete s.fg
    else if (c >= 40 && c <= 47) s.bg = c - 40
    else if (c >= 100 && c <= 107) s.bg = c - 100 + 8
    else if (c === 49) delete s.bg
    else if (c === 38 || c === 48) {
      const [color, used] = extendedColor(codes, i + 1)
      if (color !== undefined) s[c === 38 ? 'fg' : 'bg'] = color
      i += used
    }
  }
  return s
}

/** 38;5;n (palette) or 38;2;r;g;b (true colour); returns the colour and how many codes it used. */
function extendedColor(codes: number[], at: number): [Color | undefined, number] {
  const kind = codes[at]
  if (kind === 5) {
    const n = codes[at + 1]
    return [n !== undefined && n >= 0 && n <= 255 ? n : undefined, 2]
  }
  if (kind === 2) {
    const rgb = codes.slice(at + 1, at + 4)
    if (rgb.length < 3 || rgb.some((v) => !(v >= 0 && v <= 255))) return [undefined, 4]
    return ['#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join(''), 4]
  }
  return [undefined, 0]
}

function mergeAdjacent(spans: Span[]): Span[] {
  const out: Span[] = []
  for (const s of spans) {
    const prev = out[out.length - 1]
    if (prev && prev.style === s.style) prev.text += s.text
    else out.push({ text: s.text, style: s.style })
  }
  return out.length ? out : [{ text: '', style: {} }]
}

/** xterm's 256-colour palette above the 16 themable colours, as '#rrggbb'. */
export function paletteColor(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10
    return '#' + v.toString(16).padStart(2, '0').repeat(3)
  }
  const i = n - 16
  const steps = [0, 95, 135, 175, 215, 255]
  const rgb = [Math.floor(i / 36), Math.floor(i / 6) % 6, i % 6].map((k) => steps[k] as number)
  return '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('')
}
