import { describe, expect, it } from 'vitest'
import { paletteColor, parseAnsi, stripAnsi } from '../web/src/ansi.js'

const ESC = '\x1b'

describe('parseAnsi', () => {
  it('passes plain lines through as one unstyled span', () => {
    expect(parseAnsi('plain <b>text</b>')).toEqual([{ text: 'plain <b>text</b>', style: {} }])
  })

  it('turns SGR colours and weights into styles and never shows escape codes', () => {
    const spans = parseAnsi(`${ESC}[1;31mERROR${ESC}[0m done ${ESC}[32mok${ESC}[39m.`)
    expect(spans).toEqual([
      { text: 'ERROR', style: { bold: true, fg: 1 } },
      { text: ' done ', style: {} },
      { text: 'ok', style: { fg: 2 } },
      { text: '.', style: {} },
    ])
    expect(spans.map((s) => s.text).join('')).not.toContain(ESC)
  })

  it('reads bright, 256-colour and true-colour forms, with ; or : separators', () => {
    expect(parseAnsi(`${ESC}[91;102mx`)[0]?.style).toEqual({ fg: 9, bg: 10 })
    expect(parseAnsi(`${ESC}[38;5;208mx`)[0]?.style).toEqual({ fg: 208 })
    expect(parseAnsi(`${ESC}[38:5:208mx`)[0]?.style).toEqual({ fg: 208 })
    expect(parseAnsi(`${ESC}[48;2;255;128;0mx`)[0]?.style).toEqual({ bg: '#ff8000' })
    expect(parseAnsi(`${ESC}[38;2;300;0;0mx`)[0]?.style).toEqual({})
  })

  it('resets attributes selectively (22, 23, 24, 27, 29, 49) and entirely with an empty SGR', () => {
    expect(parseAnsi(`${ESC}[1;2;3;4;7;9;44mx${ESC}[22;23;24;27;29;49my`)).toEqual([
      {
        text: 'x',
        style: {
          bold: true,
          dim: true,
          italic: true,
          underline: true,
          inverse: true,
          strike: true,
          bg: 4,
        },
      },
      { text: 'y', style: {} },
    ])
    expect(parseAnsi(`${ESC}[31mx${ESC}[my`)[1]).toEqual({ text: 'y', style: {} })
  })

  it('drops non-SGR CSI, OSC (hyperlinks, titles) and stray control characters', () => {
    const line = `${ESC}[2K${ESC}[1Gstart ${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\ ${ESC}]0;title\x07end\x07\r\x00`
    expect(stripAnsi(line)).toBe('start link end')
    expect(
      parseAnsi(line)
        .map((s) => s.text)
        .join('')
    ).toBe('start link end')
  })

  it('keeps tabs and handles a lone trailing ESC', () => {
    expect(stripAnsi('a\tb')).toBe('a\tb')
    expect(stripAnsi(`cut${ESC}`)).toBe('cut')
    expect(stripAnsi(`cut${ESC}[3`)).not.toContain(ESC)
  })

  it('maps the 256-colour cube and grey ramp', () => {
    expect(paletteColor(16)).toBe('#000000')
    expect(paletteColor(196)).toBe('#ff0000')
    expect(paletteColor(232)).toBe('#080808')
    expect(paletteColor(255)).toBe('#eeeeee')
  })
})
