/**
 * @module Loading a skipped range in place of its marker row: as much as the ring has room for
 * without pushing out the lines after it; what does not fit stays behind as a smaller marker
 * that says so. The rows after the marker keep their place on screen.
 */
import {
  loadable,
  loadRange,
  skippedLabel,
  type RangeApi,
  type SkippedMark,
} from './skipped-range.js'
import type { Entry, LineStore } from './store.js'

export interface SkippedLoadContext {
  api: RangeApi
  store: LineStore
  following(): boolean
  /** False once the view was cleared (another file, a reset): the load is then dropped. */
  current(): boolean
  shift(rows: number): void
  changed(): void
}

export async function loadSkipped(ctx: SkippedLoadContext, file: string, e: Entry) {
  const { store } = ctx
  const mark = e.skipped
  // A merged view's range has no one file to read it from (skipped-range.ts: mergedRange).
  if (!mark || mark.loading || !loadable(mark.range)) return
  const at = store.positionOf(e)
  if (at < 0) return
  const room = store.cap - store.after(at) - 1
  setMark(ctx, e, { ...mark, loading: true, note: undefined })
  try {
    const r = await loadRange(ctx.api, file, mark.range, room)
    const pos = store.positionOf(e)
    if (!ctx.current() || pos < 0) return
    const entries: Entry[] = []
    if (r.rest) {
      const rest: SkippedMark = {
        range: r.rest,
        note: `older part; the view keeps ${store.cap.toLocaleString('en-US')} lines (?cap=)`,
      }
      entries.push({ text: skippedLabel(rest), back: 0, marker: true, skipped: rest })
    }
    for (const p of r.pages)
      p.lines.forEach((text, i) =>
        entries.push({ text, cursor: p.last, back: p.lines.length - 1 - i })
      )
    const before = store.count
    store.replaceAt(pos, entries)
    // The loaded lines come above the rows after the marker, which stay where they were.
    if (!ctx.following()) ctx.shift(store.count - before)
    ctx.changed()
  } catch (err) {
    if (!ctx.current()) return
    setMark(ctx, e, { ...mark, loading: false, note: `could not load: ${(err as Error).message}` })
  }
}

function setMark(ctx: SkippedLoadContext, e: Entry, mark: SkippedMark): void {
  e.skipped = mark
  e.text = skippedLabel(mark)
  ctx.changed()
}
