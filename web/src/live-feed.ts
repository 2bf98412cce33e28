/**
 * @module The live path from the stream to the store: the pause-aware feed hands batches to the
 * budgeted ingest queue, and the ingest applies them a frame's worth at a time. Built here so the
 * App only says where changes go (`applied`) and when to run (`schedule`).
 */
import type { SkippedEvent } from '../../src/core/protocol.js'
import { Feed } from './feed.js'
import { Ingest } from './ingest.js'
import { noticeText } from './notices.js'
import type { LineStore, ViewChange } from './store.js'

export interface LiveFeedHost {
  store: LineStore
  cap: number
  /** Rows the store took: the list keeps the view steady. */
  applied(c: ViewChange): void
  /** The ingest has work for the next frame. */
  schedule(): void
  /** Held lines passed the cap: the stream stops and resumes by cursor later. */
  overflow(): void
}

export function liveFeed(h: LiveFeedHost): { ingest: Ingest; feed: Feed } {
  const { store } = h
  const ingest = new Ingest(
    {
      lines: (texts, start, end, cursor) => h.applied(store.appendSlice(texts, start, end, cursor)),
      skipped: (range) => h.applied(store.skipped(range)),
      notice: (type, data) => h.applied(store.marker(noticeText(type, data))),
    },
    h.cap
  )
  const feed = new Feed(
    {
      append: (lines, cursor) => {
        ingest.lines(lines, cursor)
        h.schedule()
      },
      notice: (type, data, id) => {
        if (type === 'skipped') ingest.skipped(data as unknown as SkippedEvent)
        else ingest.notice(type, data, id)
        h.schedule()
      },
    },
    h.cap,
    () => h.overflow()
  )
  return { ingest, feed }
}
