/**
 * The viewer's scrollback (web/src/scrollback.ts) over the rotated past, against a scripted
 * /api/lines: a divider row names each archived file where its lines begin, and a page that
 * says the server is still indexing a compressed sibling is followed by the next at once.
 */
import { describe, expect, it } from 'vitest'
import type { LinesJson } from '../src/core/protocol.js'
import type { Api } from '../web/src/api.js'
import { Scrollback } from '../web/src/scrollback.js'
import { LineStore } from '../web/src/store.js'

function scripted(pages: Partial<LinesJson>[]) {
  const asked: (string | undefined)[] = []
  const api = {
    lines: async (_file: string, before: string | undefined) => {
      asked.push(before)
      const p = pages.shift()
      if (!p) throw new Error('no more pages scripted')
      return { file: 'f', lines: [], first: '', last: '', more: false, atStart: false, ...p }
    },
  } as unknown as Api
  return { api, asked }
}

describe('scrollback into rotated siblings', () => {
  it('divider rows name the archived files; an indexing page is followed at once', async () => {
    const { api, asked } = scripted([
      { lines: ['now 1', 'now 2'], first: 'c-now-0', more: true },
      { lines: [], first: 'c-now-0', more: true, indexing: { source: 'app.log.2.gz', bytes: 1 } },
      {
        lines: ['two 1', 'two 2'],
        first: 'c-two-0',
        more: false,
        atStart: true,
        source: 'app.log.2.gz',
      },
    ])
    const store = new LineStore(1000)
    const sb = new Scrollback(api, store, () => {})
    sb.fromEnd('c-end', 0)
    await sb.load('f')
    expect(asked).toEqual(['c-end'])
    expect(store.shownText().split('\n').filter(Boolean)).toEqual(['now 1', 'now 2'])
    await sb.load('f')
    expect(asked).toEqual(['c-end', 'c-now-0', 'c-now-0'])
    expect(store.shownText().split('\n').filter(Boolean)).toEqual([
      'start of file',
      'two 1',
      'two 2',
      '↑ app.log.2.gz',
      'now 1',
      'now 2',
    ])
    expect(sb.atStart).toBe(true)
  })

  it('asks nothing before it knows where the view starts, and drops a page the view was emptied under', async () => {
    let release: (p: Partial<LinesJson>) => void = () => {}
    const asked: (string | undefined)[] = []
    const api = {
      lines: (_file: string, before: string | undefined) => {
        asked.push(before)
        return new Promise((resolve) => {
          release = (p) => resolve({ file: 'f', lines: [], first: '', last: '', more: false, ...p })
        })
      },
    } as unknown as Api
    const store = new LineStore(1000)
    const sb = new Scrollback(api, store, () => {})
    await sb.load('f')
    expect(asked).toEqual([])
    sb.fromEnd('c-end', 1)
    store.append(['live 3'], 'c-end')
    const loading = sb.load('f')
    expect(asked).toEqual(['c-end'])
    // A permalink empties the view while that page is on its way, then shows its own range.
    store.clear()
    sb.hold()
    await sb.load('f')
    expect(asked).toEqual(['c-end'])
    store.append(['link 2', 'link 3'], 'c-link')
    release({ lines: ['old 1', 'old 2', 'live 3'], first: 'c-0', atStart: true })
    await loading
    expect(store.shownText().split('\n').filter(Boolean)).toEqual(['link 2', 'link 3'])
    sb.fromStart('c-link-0', false)
    void sb.load('f')
    expect(asked).toEqual(['c-end', 'c-link-0'])
  })
})
