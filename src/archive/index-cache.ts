/**
 * @module The gzip checkpoint indexes of this process, by sibling identity: each built once (a
 * budget of bytes per step, over as many requests as it takes) and shared by every request
 * and every client; least recently used dropped past a memory bound.
 *
 * Keyed by identity (device, inode, size, mtime), a sibling that logrotate renames keeps its
 * index, and one that is replaced gets a new one.
 */
import type { FileHandle } from 'node:fs/promises'
import type { GzIndex } from './gzip-index.js'
import { GzIndexer } from './gzip-indexer.js'

/** Memory all indexes may hold together (an index holds at most 256 * 32 KiB). */
export const CACHE_BYTES = 32 * 1024 * 1024
/** Builds paused between steps kept at once (each holds its checkpoints so far, <= 8 MiB). */
const MAX_BUILDING = 4
/** Files found not to be valid gzip, remembered so each request does not inflate them again. */
const MAX_FAILED = 64

export type IndexStep = GzIndex | { indexing: true; indexed: number }

export class IndexCache {
  private readonly done = new Map<string, GzIndex>()
  private readonly building = new Map<string, GzIndexer>()
  private readonly failed = new Map<string, unknown>()
  private total = 0

  constructor(private readonly maxBytes = CACHE_BYTES) {}

  /** The index, or how far its build got after one more step of at most `budget` bytes. */
  async step(id: string, path: string, fh: FileHandle, budget: number): Promise<IndexStep> {
    const hit = this.done.get(id)
    if (hit) {
      // Most recently used goes last (Map keeps insertion order).
      this.done.delete(id)
      this.done.set(id, hit)
      return hit
    }
    // Its identity has its size and mtime: a file still being written gets another one.
    if (this.failed.has(id)) throw this.failed.get(id)
    let ix = this.building.get(id)
    // Asked only whether it is ready: no build is started for that.
    if (!ix && budget <= 0) return { indexing: true, indexed: 0 }
    if (!ix) {
      ix = new GzIndexer(path)
      this.building.set(id, ix)
      for (const old of this.building.keys()) {
        if (this.building.size <= MAX_BUILDING) break
        this.building.delete(old)
      }
    }
    let r: GzIndex | null
    try {
      r = await ix.step(fh, budget)
    } catch (err) {
      this.building.delete(id)
      this.failed.set(id, err)
      for (const old of this.failed.keys()) {
        if (this.failed.size <= MAX_FAILED) break
        this.failed.delete(old)
      }
      throw err
    }
    if (!r) return { indexing: true, indexed: ix.indexed }
    this.building.delete(id)
    if (!this.done.has(id)) this.account(id, r)
    return r
  }

  private account(id: string, index: GzIndex): void {
    this.done.set(id, index)
    this.total += index.bytes
    for (const [old, v] of this.done) {
      if (this.total <= this.maxBytes || old === id) break
      this.done.delete(old)
      this.total -= v.bytes
    }
  }
}

/** The process's cache: indexes are per file, not per source, so all sources share it. */
export const gzIndexes = new IndexCache()
