/**
 * @module Walking a source's history across files: the current file, then its rotated
 * siblings newest to oldest (LogSource.archives). What scrollback and search share: which file
 * a cursor is in, and where the next older file ends.
 */
import { cursorRun } from '../core/cursor.js'
import type { ArchiveRun, LogSource } from '../core/log-source.js'

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
  return 'stale' in run ? 'gone' : run
}

/**
 * The next older sibling that can be read, after `run` (null: after the current file), or null
 * when there is none. One that cannot be opened (deleted, not valid gzip) is passed over.
 */
export async function olderRun(
  source: LogSource,
  run: ArchiveRun | null
): Promise<ArchiveRun | null> {
  const list = (await source.archives?.()) ?? []
  let i = run ? list.findIndex((e) => e.id === run.id) + 1 : 0
  if (run && i === 0) return null
  for (; i < list.length; i++) {
    const r = await (list[i] as (typeof list)[number]).open().catch(() => null)
    if (r && !('stale' in r)) return r
  }
  return null
}

/** The cursor at the end of the next older sibling: where scrollback goes on. */
export async function olderEnd(
  source: LogSource,
  run: ArchiveRun | null
): Promise<{ run: ArchiveRun; cursor: string } | null> {
  for (let r = await olderRun(source, run); r; r = await olderRun(source, r)) {
    const cursor = await r.cursorAt(r.size)
    if (cursor !== null) return { run: r, cursor }
  }
  return null
}

/**
 * The cursor at the start of the next newer file after sibling `run`: the sibling rotated
 * after it, or the current file. Null when that is gone (reading forwards stops there).
 */
export async function newerStart(source: LogSource, run: ArchiveRun): Promise<string | null> {
  const list = (await source.archives?.()) ?? []
  const i = list.findIndex((e) => e.id === run.id)
  if (i < 0) return null
  const newer = i > 0 ? await (list[i - 1] as (typeof list)[number]).open() : source.history?.()
  if (!newer || 'stale' in newer) return null
  return newer.cursorAt(0)
}
