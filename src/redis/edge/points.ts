/**
 * @module Finding a cursor in the entries of an epoch, and walking entries from there.
 *
 * A point is "after k lines of entry e". The points of an entry are its start (cursor q), the
 * end of each line (fingerprint shipped by the watcher, see line-fingerprints.ts) and its end
 * (cursor c). A cursor resolves only to a point whose cursor string is exactly equal, so a
 * cursor from another file or generation is reported stale, never mapped to the wrong lines.
 */
import { formatCursor, parseCursor } from '../../core/cursor.js'
import type { Stale } from '../../core/log-source.js'
import type { LogLine } from '../../core/types.js'
import { rangeBackInEpoch, rangeInEpoch } from '../commands.js'
import type { RedisClient } from '../conn.js'
import { formatId, offsetOf, seqAt, type Entry } from '../protocol.js'
import type { EntryRing } from './ring.js'

export interface Point {
  entry: Entry
  k: number
}

export interface EntryStore {
  readonly ring: EntryRing
  readonly key: string
  /** The connection for lookups (never the one blocked in XREAD). */
  lookup(): RedisClient
}

const PAGE = 64
export const stale = (reason: Stale['reason']): Stale => ({ stale: true, reason })

/** Byte offset of point k of an entry. */
export function pointOffset(e: Entry, k: number): number {
  if (k >= e.lines.length) return e.end
  return k === 0 ? e.start : (e.lines[k] as LogLine).offset
}

/** The cursor at point k, or null when the watcher could not fingerprint it. */
export function pointCursor(e: Entry, k: number): string | null {
  const n = e.lines.length
  if (k === n) return offsetOf(e.cursor) === e.end ? e.cursor : null // a partial line moves no cursor
  if (k === 0) return e.headBefore || null
  const fp = e.fingerprints[k - 1]
  return fp ? formatCursor((e.lines[k] as LogLine).offset, fp) : null
}

export async function locate(
  store: EntryStore,
  epoch: number,
  cursor: string,
  headOffset: number
): Promise<Point | Stale> {
  const p = parseCursor(cursor)
  if (!p) return stale('malformed')
  if (p.offset > headOffset) return stale('ahead')
  const e = await covering(store, epoch, p.offset)
  if (!e) return stale('stale')
  for (let k = 0; k <= e.lines.length; k++) {
    if (pointOffset(e, k) === p.offset && pointCursor(e, k) === cursor) return { entry: e, k }
  }
  return stale('stale')
}

/** The first current-file entry of the epoch that ends at or after `offset`. */
export async function covering(
  store: EntryStore,
  epoch: number,
  offset: number
): Promise<Entry | null> {
  const { ring } = store
  if (ring.epoch === epoch) {
    const i = ring.covering(offset)
    if (i >= 0) return ring.at(i) as Entry
  }
  // Current-file ids are `epoch-(end<<20)`: one XRANGE lands on it (prev entries are skipped).
  for await (const e of forward(store, epoch, formatId(epoch, seqAt(offset)), true)) return e
  return null
}

/** Current-file entries of the epoch after `from` (inclusive when asked), oldest first. */
export async function* forward(
  store: EntryStore,
  epoch: number,
  from: string,
  inclusive = false
): AsyncGenerator<Entry> {
  let start = inclusive ? from : `(${from}`
  for (;;) {
    const page = await rangeInEpoch(store.lookup(), store.key, epoch, start, PAGE)
    for (const e of page) if (e.type !== 'prev') yield e
    if (page.length < PAGE) return
    start = `(${(page[page.length - 1] as Entry).id}`
  }
}

/** Current-file entries of the epoch before `e`, newest first: the ring, then Redis. */
export async function* backward(store: EntryStore, epoch: number, e: Entry): AsyncGenerator<Entry> {
  const { ring } = store
  let before = e.id
  const i = ring.epoch === epoch ? ring.indexOf(e) : -1
  const held = i > 0 ? ring.slice(0, i) : []
  for (let j = held.length - 1; j >= 0; j--) {
    const x = held[j] as Entry
    yield x
    before = x.id
  }
  for (;;) {
    const page = await rangeBackInEpoch(store.lookup(), store.key, epoch, before, PAGE)
    for (const x of page) if (x.type !== 'prev') yield x
    if (page.length < PAGE) return
    before = (page[page.length - 1] as Entry).id
  }
}

/** Entries after `e`: the ring when it holds `e` (a snapshot up to its head), else Redis. */
export async function* after(store: EntryStore, epoch: number, e: Entry): AsyncGenerator<Entry> {
  const { ring } = store
  const i = ring.epoch === epoch ? ring.indexOf(e) : -1
  if (i >= 0) {
    yield* ring.slice(i + 1)
    return
  }
  yield* forward(store, epoch, e.id)
}
