/**
 * @module The XREAD BLOCK loop of one file on an edge, on a connection of its own.
 *
 * The loop always asks for "entries after the last id applied", so a dropped connection, a
 * Redis restart or a slow edge resumes exactly where it was: nothing is applied twice, and
 * anything missing shows up as a broken p-chain (a gap event), not as silence.
 *
 * Work per step is bounded: one XREAD brings about maxReadBytes (read-budget.ts), and the next
 * one is sent only once subscribers have taken the events out (EdgeState's listener credit), so
 * an edge behind a slow consumer holds one reply at most and the rest waits in Redis.
 */
import { backoff, type RedisConn } from './conn.js'
import type { EdgeSource } from './edge-source.js'
import { ReadBudget } from './read-budget.js'
import { errorText, readAfter, readNewest } from './stream-io.js'

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

export function startReader(source: EdgeSource, conn: RedisConn, o: ReaderOptions = {}): Reader {
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
          source.seed(await readNewest(conn.client, source.key, o.seedEntries ?? 1000))
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
        const key = source.key
        const entries = await readAfter(conn.client, key, source.lastId, budget.count, blockMs)
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
