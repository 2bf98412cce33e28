/**
 * @module What a watcher can be told (retention, bounds, batch and page sizes, the lease) and
 * what each file's publisher counts for /health and /metrics.
 */
import { redisKeys, type RedisKeys } from '../protocol.js'
import type { LeaseOptions } from './lease.js'

export interface PublisherOptions {
  keys?: RedisKeys
  /** Stream retention: `XADD ... MAXLEN ~ maxLen` (entries; default 100,000). */
  maxLen?: number
  /** Held for Redis at most (entries / bytes, default 100,000 / 64 MiB); past it, re-read later. */
  maxBufferEntries?: number
  maxBufferBytes?: number
  /** Appends per pipelined batch (default 256). */
  batch?: number
  /** Bytes per readAfter page when recovering from the file (default 256 KiB). */
  pageBytes?: number
  /** Published entries remembered to put back after Redis lost them (default 1,024). */
  reseedEntries?: number
  maxBackoffMs?: number
  lease?: LeaseOptions
  now?: () => number
}

export function resolvePublisherOptions(o: PublisherOptions) {
  return {
    keys: o.keys ?? redisKeys(),
    maxLen: o.maxLen ?? 100_000,
    maxBufferEntries: o.maxBufferEntries ?? 100_000,
    maxBufferBytes: o.maxBufferBytes ?? 64 * 1024 * 1024,
    batch: o.batch ?? 256,
    pageBytes: o.pageBytes ?? 256 * 1024,
    reseedEntries: o.reseedEntries ?? 1024,
    maxBackoffMs: o.maxBackoffMs ?? 5000,
    lease: o.lease ?? {},
    now: o.now ?? Date.now,
  }
}

export class PublisherStats {
  /** Entries Redis accepted (or already held). */
  published = 0
  /** Times the held events were dropped at the bound (to be re-read from the file). */
  rebases = 0
  /** `reset` entries: the stream could not continue from the file (new epoch). */
  resets = 0
  /** Ids Redis refused for good (below its top and not there): edges see a gap. */
  skipped = 0
  /** Entries put back after Redis came back without them. */
  reseeded = 0
  /** Appends Redis refused because another watcher was elected since (FENCED). */
  fenced = 0
  lastId = ''
  lastError: string | null = null
}
