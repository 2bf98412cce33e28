/**
 * @module The gzip checkpoint indexes of this process, by sibling identity: each built once and
 * shared by every request and every client, least recently used dropped past a memory bound.
 *
 * Keyed by identity (device, inode, size, mtime), a sibling that logrotate renames keeps its
 * index, and one that is replaced gets a new one; a build in progress is shared, not repeated.
 */
import type { GzIndex } from './gzip-index.js'

/** Memory all indexes may hold together (an index holds at most 256 * 32 KiB). */
export const CACHE_BYTES = 32 * 1024 * 1024

export class IndexCache {
  private readonly entries = new Map<string, Promise<GzIndex>>()
  private readonly sizes = new Map<string, number>()
  private total = 0

  constructor(private readonly maxBytes = CACHE_BYTES) {}

  get(id: string, build: () => Promise<GzIndex>): Promise<GzIndex> {
    const hit = this.entries.get(id)
    if (hit) {
      // Most recently used goes last (Map keeps insertion order).
      this.entries.delete(id)
      this.entries.set(id, hit)
      return hit
    }
    const p = build().then(
      (index) => {
        if (this.entries.get(id) === p) this.account(id, index.bytes)
        return index
      },
      (err: unknown) => {
        if (this.entries.get(id) === p) this.entries.delete(id)
        throw err
      }
    )
    this.entries.set(id, p)
    return p
  }

  private account(id: string, bytes: number): void {
    this.sizes.set(id, bytes)
    this.total += bytes
    for (const old of this.entries.keys()) {
      if (this.total <= this.maxBytes || old === id) break
      const size = this.sizes.get(old)
      if (size === undefined) continue
      this.entries.delete(old)
      this.sizes.delete(old)
      this.total -= size
    }
  }
}

/** The process's cache: indexes are per file, not per source, so all sources share it. */
export const gzIndexes = new IndexCache()
