/**
 * A range the merged view lets go when the page cannot keep up runs between merged cursors: its
 * marker has no "load" (no one file's after..until holds it) and says where the lines are.
 */
import { describe, expect, it } from 'vitest'
import { formatMergedCursor } from '../src/core/merged-cursor.js'
import { loadable, mergedRange, skippedLabel } from '../web/src/skipped-range.js'
import { LineStore } from '../web/src/store.js'

const from = formatMergedCursor(new Map([['a.log', { cursor: '10-0123456789abcd', k: 2 }]]))
const to = formatMergedCursor(new Map([['a.log', { cursor: '900-0123456789abcd', k: 0 }]]))

describe('skipped range of the merged view', () => {
  it('is not loadable and names each file’s tab; a file’s range still is', () => {
    const merged = { from, to, bytes: 4096 }
    expect(mergedRange(merged)).toBe(true)
    expect(loadable(merged)).toBe(false)
    expect(skippedLabel({ range: merged })).toMatch(/^4\.1 kB skipped · .*each file's tab/)
    const one = { from: '10-0123456789abcd', to: '900-0123456789abcd', bytes: 4096 }
    expect(mergedRange(one)).toBe(false)
    expect(loadable(one)).toBe(true)
    expect(skippedLabel({ range: one })).toBe('4.1 kB skipped ·')
    // A range open at one end (the page let go from its first line on) is merged all the same.
    expect(mergedRange({ from: '', to, bytes: 1 })).toBe(true)
  })

  it('the store’s marker row for it carries that text and no load', () => {
    const store = new LineStore(100)
    store.append(['a'], from)
    store.skipped({ from, to, bytes: 2000 })
    const row = store.row(store.count - 1)!
    expect(row.skipped && loadable(row.skipped.range)).toBe(false)
    expect(row.text).toMatch(/each file's tab/)
  })
})
