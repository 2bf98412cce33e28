/**
 * @module The XREAD BLOCK loop of one file on an edge, on a connection of its own.
 *
 * The loop always asks for "entries after the last id applied", so a dropped connection, a
 * Redis restart or a slow edge resumes exactly where it was: nothing is applied twice, and
 * anything missing shows up as a broken p-chain (a gap event), not as silence.
 *
 * Work per step is bounded: one XREAD brings about maxReadBytes (ReadBudget below), and the
 * next one is sent only once subscribers have taken the events out (the listener credit of
 * live.ts), so an edge behind a slow consumer holds one reply at most and the rest waits in
 * Redis. XREAD bounds a reply by entries, not bytes, and one entry holds up to a watcher batch
 * (256 KiB): the count is the budget over the largest entry seen lately. It starts as if every
 * entry were a full batch, follows a larger entry at once and a smaller one by halves, so a
 * reply stays within the budget while sizes stay within 2x of the last reply's.
 */
import { errorText, readAfter, readNewest } from '../commands.js'
import { backoff, type RedisConn } from '../conn.js'
import { entrySize, type Entry } from '../protocol.js'
import type { LiveStream } from './live.js'

export interface ReaderOptions {
  /** Most entries per XREAD (default 512). */
  count?: number
  /** About the most bytes one XREAD reply may bring in (default 4 MiB; see read-budget.ts). */
  maxReadBytes?: number
  /** XREAD BLOCK milliseconds (default 5,000). */
  blockMs?: number
  /** Newest entries loaded into the ring at start (default 1,000). */
  seedEntries?: number
  maxBackoffMs?: number
}

export interface Reader {
  /** Resolves once the first sync is done (or failed: the loop keeps trying). */
  synced: Promise<boolean>
  stop(): Promise<void>
}

/** A LiveStream and the stream key it reads. */
export interface ReaderTarget {
  readonly key: string
  readonly live: LiveStream
}

export function startReader(target: ReaderTarget, conn: RedisConn, o: ReaderOptions = {}): Reader {
  const source = target.live
  const budget = new ReadBudget(o.count ?? 512, o.maxReadBytes)
  const blockMs = o.blockMs ?? 5000
  const maxBackoff = o.maxBackoffMs ?? 5000
  let stopped = false
  let attempt = 0
  let seeded = false
  let markSynced: (ok: boolean) => void = () => undefined
  const synced = new Promise<boolean>((r) => (markSynced = r))

  let wake: () => void = () => undefined
  const fail = async (err: unknown) => {
    source.stats.reader = 'down'
    source.stats.lastError = errorText(err)
    markSynced(false)
    // A plain sleep: an error on a working connection (say WRONGTYPE) must not spin.
    await new Promise<void>((r) => {
      const t = setTimeout(r, backoff(attempt++, maxBackoff))
      wake = () => (clearTimeout(t), r())
    })
  }

  const loop = (async () => {
    while (!stopped) {
      if (conn.state !== 'ready') {
        if (seeded) source.stats.reader = 'down'
        await conn.ready(backoff(attempt++, maxBackoff))
        continue
      }
      try {
        if (!seeded) {
          source.stats.reader = 'syncing'
          source.seed(await readNewest(conn.client, target.key, o.seedEntries ?? 1000))
          seeded = true
          markSynced(true)
        }
        source.stats.reader = 'live'
        // Subscribers hold what was read: wait for them, then apply what is held, then read.
        // (No Promise.race with a long-lived promise: each race would leave a reaction on it.)
        if (source.listeners.full) {
          await new Promise<void>((r) => {
            wake = r
            void source.listeners.whenFree().then(r)
          })
          if (stopped) break
        }
        if (source.held > 0) {
          source.apply()
          continue
        }
        const key = target.key
        const entries = await readAfter(
          conn.client,
          key,
          source.stats.lastId,
          budget.count,
          blockMs
        )
        if (stopped) break
        attempt = 0
        source.stats.lastError = null
        budget.observe(entries)
        source.apply(entries)
      } catch (err) {
        if (stopped) break
        await fail(err)
      }
    }
    source.stats.reader = 'closed'
  })()

  return {
    synced,
    async stop() {
      stopped = true
      wake()
      conn.close() // aborts the blocked XREAD
      await loop
    },
  }
}

export const DEFAULT_READ_BYTES = 4 * 1024 * 1024
/** What a full watcher batch takes once decoded (256 KiB of text, two bytes a character). */
const FULL_ENTRY = 512 * 1024

export class ReadBudget {
  private largest = FULL_ENTRY

  constructor(
    readonly maxCount = 512,
    readonly maxBytes = DEFAULT_READ_BYTES
  ) {
    if (!(maxCount >= 1) || !(maxBytes >= 1)) {
      throw new RangeError(
        `read budget needs count and bytes of at least 1 (${maxCount}, ${maxBytes})`
      )
    }
  }

  /** Entries to ask for now: at least one, however large entries are. */
  get count(): number {
    return Math.max(1, Math.min(this.maxCount, Math.floor(this.maxBytes / this.largest)))
  }

  /** Learns entry sizes from a reply (an empty reply, a timeout, teaches nothing). */
  observe(entries: readonly Entry[]): void {
    let max = 0
    for (const e of entries) max = Math.max(max, entrySize(e))
    if (entries.length === 0) return
    this.largest = max >= this.largest ? max : Math.max(max, this.largest / 2)
  }
}
