/**
 * @module What tests and the browser benchmark read (`window.taillight.stats()`): O(1), so
 * calling it during a burst costs nothing. Counts are since the page opened.
 */
import type { FrameLoop } from './frame-loop.js'
import type { HistoryView } from './history-view.js'
import type { Ingest } from './ingest.js'
import { skipBytes, type LineSizeEstimate } from './skip-size.js'
import type { Stream } from './connection.js'
import type { LineStore } from './store.js'

export interface StatsSource {
  readonly loop: FrameLoop
  readonly ingest: Ingest
  readonly store: LineStore
  readonly lineSize: LineSizeEstimate
  readonly history: HistoryView
  readonly conn: Stream | undefined
}

export function pageStats(a: StatsSource) {
  return {
    frames: a.loop.frames,
    longestFrameMs: a.loop.longest,
    longestTaskMs: a.loop.longestByTask(),
    queued: a.ingest.queued,
    discarded: a.ingest.discarded,
    skippedRanges: a.ingest.skippedRanges,
    skippedBytes: a.ingest.skippedBytes,
    lines: a.store.total,
    stream: a.conn?.where,
    skip: skipBytes(a.store.cap, a.lineSize.average),
    newest: a.store.row(a.store.count - 1)?.text,
    history: a.history.active,
  }
}
