/**
 * Go to time in the merged view: `/api/lines?file=*&at=TIME` answers the merged lines at or
 * after TIME from each file in time order, and its cursors lead on (`after=`) and back
 * (`before=`) without a line twice or missing.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileSource } from '../src/follow/file-source.js'
import { parseMergedCursor } from '../src/core/merged-cursor.js'
import { createApp } from '../src/server/app.js'
import { takeOldest } from '../src/server/merge-oldest.js'
import { useTempDir } from './helpers/fs.js'

const T0 = Date.UTC(2026, 11, 1, 10, 0, 0)
const at = (s: number) => new Date(T0 + s * 1000).toISOString()

interface Page {
  lines: string[]
  files: string[]
  first: string
  last: string
  more: boolean
  at?: string
  error?: { code: string }
}

describe('merged view read forwards (at=, after=)', () => {
  const tmp = useTempDir()

  it('takeOldest: oldest first across files, and stops where a cut file runs out', () => {
    const a = [`${at(1)} a1`, `${at(4)} a4`, '  at trace']
    const b = [`${at(2)} b2`, `${at(3)} b3`, `${at(5)} b5`]
    expect(takeOldest([a, b], 4, [false, false]).lines).toEqual([a[0], b[0], b[1], a[1]])
    expect(takeOldest([a, b], 10, [false, false]).taken).toEqual([3, 3])
    // a has unread lines after a4: b5 might be later than them, so the page ends before b5.
    const cut = takeOldest([a, b], 10, [true, false])
    expect(cut.lines).toEqual([a[0], b[0], b[1], a[1], a[2]])
    expect(cut.taken).toEqual([3, 2])
  })

  it('at=TIME: the merged lines at or after it; after= and before= continue from there', async () => {
    // api writes every second, db every two seconds half a second later.
    const api = Array.from({ length: 300 }, (_, i) => `${at(i)} INFO api ${i}`)
    const db = Array.from({ length: 150 }, (_, i) => `${at(i * 2 + 0.5)} INFO db ${i}`)
    const plain = join(tmp.dir, 'plain.log')
    writeFileSync(join(tmp.dir, 'api.log'), api.map((l) => `${l}\n`).join(''))
    writeFileSync(join(tmp.dir, 'db.log'), db.map((l) => `${l}\n`).join(''))
    writeFileSync(plain, 'no time here\n')
    const sources = [
      tmp.track(await createFileSource('api.log', join(tmp.dir, 'api.log'))),
      tmp.track(await createFileSource('db.log', join(tmp.dir, 'db.log'))),
      tmp.track(await createFileSource('plain.log', plain)),
    ]
    const t = createApp({ sources, version: 't' })
    tmp.track({ close: async () => t.close() })
    const get = async (q: string, status = 200) => {
      const res = await t.app.request(`/api/lines?file=*&${q}`)
      expect(res.status, q).toBe(status)
      return (await res.json()) as Page
    }
    const all = [...api, ...db].sort(
      (x, y) => Date.parse(x.slice(0, 24)) - Date.parse(y.slice(0, 24))
    )
    const fromIndex = all.findIndex((l) => Date.parse(l.slice(0, 24)) >= T0 + 100_000)
    const first = await get(`at=${encodeURIComponent(at(100))}&limit=5`)
    expect(first.lines).toEqual(all.slice(fromIndex, fromIndex + 5))
    expect(first.files).toEqual(
      first.lines.map((l) => (l.includes(' api ') ? 'api.log' : 'db.log'))
    )
    expect(first.at).toBe(first.first)
    // The file without timestamps has no place in time: left out, not an error.
    expect([...parseMergedCursor(first.first)!.keys()]).toEqual(['api.log', 'db.log'])
    // Forwards page by page to the end: every line once, in order.
    const seen = [...first.lines]
    let page = first
    for (let i = 0; i < 200 && page.more; i++) {
      page = await get(`after=${encodeURIComponent(page.last)}&limit=37`)
      seen.push(...page.lines)
    }
    expect(page.more).toBe(false)
    expect(seen).toEqual(all.slice(fromIndex))
    // Above the time: scrollback from `first` gives the lines just before it.
    const above = await get(`before=${encodeURIComponent(first.first)}&limit=3`)
    expect(above.lines).toEqual(all.slice(fromIndex - 3, fromIndex))
    // The history view opens at `last` of a page of one: before= ends with that line.
    const one = await get(`at=${encodeURIComponent(at(100))}&limit=1`)
    const around = await get(`before=${encodeURIComponent(one.last)}&limit=2`)
    expect(around.lines).toEqual(all.slice(fromIndex - 1, fromIndex + 1))
    // Past the end: nothing; before every line: the start.
    expect((await get(`at=${encodeURIComponent(at(10_000))}`)).lines).toEqual([])
    expect((await get(`at=${encodeURIComponent(at(-50))}&limit=2`)).lines).toEqual(all.slice(0, 2))
    expect((await get('at=yesterday', 400)).error?.code).toBe('bad_param')
    expect((await get('after=1-00000000000000', 400)).error?.code).toBe('bad_cursor')
    expect((await get(`at=${T0}&after=${encodeURIComponent(first.first)}`, 400)).error?.code).toBe(
      'bad_param'
    )
  })

  it('a file longer than one read page: pages end where its read did, none lost or out of order', async () => {
    const pad = 'x'.repeat(1000) // a read page (512 KiB) holds ~500: less than a page of 1000
    const big = Array.from({ length: 3000 }, (_, i) => `${at(i)} INFO big ${i} ${pad}`)
    const small = Array.from({ length: 100 }, (_, i) => `${at(i * 30 + 0.5)} INFO small ${i}`)
    writeFileSync(join(tmp.dir, 'big.log'), big.map((l) => `${l}\n`).join(''))
    writeFileSync(join(tmp.dir, 'small.log'), small.map((l) => `${l}\n`).join(''))
    const sources = [
      tmp.track(await createFileSource('big.log', join(tmp.dir, 'big.log'))),
      tmp.track(await createFileSource('small.log', join(tmp.dir, 'small.log'))),
    ]
    const t = createApp({ sources, version: 't' })
    tmp.track({ close: async () => t.close() })
    const get = async (q: string) =>
      (await (await t.app.request(`/api/lines?file=*&${q}`)).json()) as Page
    const all = [...big, ...small].sort(
      (x, y) => Date.parse(x.slice(0, 24)) - Date.parse(y.slice(0, 24))
    )
    let page = await get(`at=${encodeURIComponent(at(-1))}&limit=1000`)
    const seen = [...page.lines]
    for (let i = 0; i < 50 && page.more; i++) {
      page = await get(`after=${encodeURIComponent(page.last)}&limit=1000`)
      seen.push(...page.lines)
    }
    expect(seen).toEqual(all)
  })
})
