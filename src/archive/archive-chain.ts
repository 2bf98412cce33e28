/**
 * @module The rotated past of one followed path: its siblings, newest first, rediscovered when
 * a rotation may have changed them (the follower's generation moved) or after a short while
 * (logrotate compresses `app.log.1` on the next run, with delaycompress), never per line.
 */
import type { ArchiveEntry } from '../core/log-source.js'
import { archiveEntry } from './archive-run.js'
import { findSiblings } from './siblings.js'

const TTL_MS = 2000

export class ArchiveChain {
  private entries: ArchiveEntry[] = []
  private byId = new Map<string, { e: ArchiveEntry; size: number }>()
  private gen = -1
  private at = 0
  private pending: Promise<ArchiveEntry[]> | undefined

  constructor(
    private readonly path: string,
    private readonly limit: number,
    private readonly maxLineBytes: number,
    private readonly generation: () => number,
    /** Most bytes of a compressed sibling one open() call indexes (tests make it small). */
    private readonly indexStepBytes = Number.MAX_SAFE_INTEGER
  ) {}

  /** The siblings, newest first (at most `limit`). */
  list(): Promise<ArchiveEntry[]> {
    const gen = this.generation()
    if (gen === this.gen && Date.now() - this.at < TTL_MS) return Promise.resolve(this.entries)
    return this.refresh()
  }

  /** The sibling with that identity; discovers again once before saying it is gone. */
  async find(id: string): Promise<ArchiveEntry | undefined> {
    const hit = (await this.list()).find((e) => e.id === id)
    return hit ?? (await this.refresh()).find((e) => e.id === id)
  }

  private refresh(): Promise<ArchiveEntry[]> {
    this.pending ??= this.discover().finally(() => (this.pending = undefined))
    return this.pending
  }

  private async discover(): Promise<ArchiveEntry[]> {
    const gen = this.generation()
    const found = await findSiblings(this.path, this.limit)
    const byId = new Map<string, { e: ArchiveEntry; size: number }>()
    this.entries = found.map((s) => {
      const old = this.byId.get(s.id)
      // Renamed, or grown since (late lines of a writer that has not reopened yet): a new entry.
      const same = old && old.e.name === s.name && old.size === s.size
      const e = same ? old.e : archiveEntry(s, this.maxLineBytes, this.indexStepBytes)
      byId.set(s.id, { e, size: s.size })
      return e
    })
    this.byId = byId
    this.gen = gen
    this.at = Date.now()
    return this.entries
  }
}
