/**
 * @module Walking a source's history across files: the current file, then its rotated
 * siblings newest to oldest (LogSource.archives). What scrollback and search share: which file
 * a cursor is in, and where the next older file ends.
 *
 * Reaching a compressed sibling for the first time indexes it, at most `stepBytes` of it per
 * step: a request that runs out of steps answers where to ask again (`Indexing`), so no request
 * inflates a whole archive.
 */
import { asArchiveCursor, cursorRun } from '../core/cursor.js'
import type { ArchiveRun, Indexing, LogSource } from '../core/log-source.js'

/** Bytes of a compressed sibling one /api/lines request indexes at most (about 0.5 s). */
export const INDEX_STEP_BYTES = 64 * 1024 * 1024

/** How much indexing a request may do: steps of `stepBytes` while `again()` holds. */
export interface IndexBudget {
  stepBytes: number
  again(): boolean
}

export const ONE_STEP: IndexBudget = { stepBytes: INDEX_STEP_BYTES, again: () => false }

export const isIndexing = (x: object | null): x is Indexing => x !== null && 'indexing' in x

/** Siblings a cursor of a rotated-away file is looked for in (the newest: where it went). */
const FOLLOW_ROTATION = 2

/**
 * `cursor`, or, when it is a cursor of the live file that no longer points into it because the
 * file was rotated (renamed to `app.log.1`), the same point in that sibling. Only siblings
 * already readable are tried (plain, or indexed): this never indexes anything.
 */
export async function followRotation(source: LogSource, cursor: string): Promise<string> {
  if (cursorRun(cursor) !== '' || !source.archives) return cursor
  const now = await source.check(cursor)
  if (now.ok || now.reason === 'malformed') return cursor
  for (const e of (await source.archives()).slice(0, FOLLOW_ROTATION)) {
    const moved = asArchiveCursor(cursor, e.id)
    const run = moved && (await e.open(0).catch(() => null))
    if (!run || 'stale' in run || 'indexing' in run) continue
    if (typeof (await run.offsetOf(moved as string)) === 'number') return moved as string
  }
  return cursor
}

/** The sibling a cursor points into (by identity), opened; null for the current file. */
export async function runOf(
  source: LogSource,
  cursor: string
): Promise<ArchiveRun | null | 'gone'> {
  const id = cursorRun(cursor)
  if (!id) return null
  const e = (await source.archives?.())?.find((a) => a.id === id)
  if (!e) return 'gone'
  const run = await e.open()
  return 'stale' in run || 'indexing' in run ? 'gone' : run
}

/**
 * The next older sibling that can be read, after `run` (null: after the current file), or null
 * when there is none. One that cannot be opened (deleted, not valid gzip) is passed over.
 */
export async function olderRun(
  source: LogSource,
  run: ArchiveRun | null,
  budget: IndexBudget = ONE_STEP
): Promise<ArchiveRun | Indexing | null> {
  const list = (await source.archives?.()) ?? []
  let i = run ? list.findIndex((e) => e.id === run.id) + 1 : 0
  if (run && i === 0) return null
  for (; i < list.length; i++) {
    const e = list[i] as (typeof list)[number]
    let r = await e.open(budget.stepBytes).catch(() => null)
    while (isIndexing(r) && budget.again()) r = await e.open(budget.stepBytes).catch(() => null)
    if (r && !('stale' in r)) return r
  }
  return null
}

/** The cursor at the end of the next older sibling: where scrollback goes on. */
export async function olderEnd(
  source: LogSource,
  run: ArchiveRun | null,
  budget: IndexBudget = ONE_STEP
): Promise<{ run: ArchiveRun; cursor: string } | Indexing | null> {
  for (let r = await olderRun(source, run, budget); r; r = await olderRun(source, r, budget)) {
    if (isIndexing(r)) return r
    const cursor = await r.cursorAt(r.size)
    if (cursor !== null) return { run: r, cursor }
  }
  return null
}

/**
 * The cursor at the start of the next newer file after sibling `run`: the sibling rotated
 * after it, or the current file. Null when that is gone (reading forwards stops there).
 */
export async function newerStart(
  source: LogSource,
  run: ArchiveRun
): Promise<string | Indexing | null> {
  const list = (await source.archives?.()) ?? []
  const i = list.findIndex((e) => e.id === run.id)
  if (i < 0) return null
  const newer =
    i > 0 ? await (list[i - 1] as (typeof list)[number]).open(INDEX_STEP_BYTES) : source.history?.()
  if (!newer || 'stale' in newer) return null
  if ('indexing' in newer) return newer
  return newer.cursorAt(0)
}
