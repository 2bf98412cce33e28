/**
 * @module The newest entries a publisher got into Redis.
 *
 * The newest one is where the stream continues: this process's memory wins over what Redis
 * says, because Redis may have lost entries (restart without persistence, failover to a
 * replica that lagged). The recent ones are put back after such a loss, so edges that had not
 * read them yet see no gap.
 */
import type { Entry } from './entry.js'
import { compareIds } from './keys.js'

export class PublishedTail {
  newest: Entry | null = null
  private recent: Entry[] = []

  constructor(private readonly max = 1024) {}

  add(e: Entry): void {
    this.newest = e
    this.recent.push(e)
    if (this.recent.length > this.max) this.recent.splice(0, this.recent.length >> 1)
  }

  /** The remembered entries Redis lacks, given its newest id (null: the stream is gone). */
  lost(top: string | null): Entry[] {
    if (!this.newest || (top !== null && compareIds(top, this.newest.id) >= 0)) return []
    return this.recent.filter((e) => top === null || compareIds(e.id, top) > 0)
  }
}
