/**
 * @module The files an edge serves, kept in step with the files SET while it runs.
 *
 * Every poll reads the SET: a new id gets an EdgeSource and its XREAD connection and is handed
 * to the app (the FileRegistry: a tab appears on the page without a restart); an id that left
 * the SET (the watcher stopped publishing it: removed, or renamed to another id) is taken out,
 * its clients told `gone`, its connection closed. The work per poll is bounded: at most
 * `maxFiles` are served (the rest are listed as unserved in /health) and a few are opened per
 * poll, so a watcher that publishes thousands at once costs the edge no burst of connections.
 */
import { readTop } from '../commands.js'
import type { RedisConn } from '../conn.js'
import { listFiles, readMeta } from '../meta.js'
import { compareIds, parseId, type RedisKeys } from '../protocol.js'
import { startReader, type Reader, type ReaderOptions } from './reader.js'
import { EdgeSource } from './source.js'

/** Where files that come and go are served (structurally, the app's FileRegistry). */
export interface FileSink {
  add(source: EdgeSource): void
  remove(id: string, reason: 'removed' | 'deleted'): void
}

export interface EdgeFilesOptions {
  ring?: { entries?: number; bytes?: number }
  reader?: ReaderOptions
  /** Most files served at once (default 256: each holds one Redis connection). */
  maxFiles?: number
  /** Most files opened per poll (default 16). */
  openPerPoll?: number
}

export class EdgeFiles {
  readonly sources: EdgeSource[] = []
  /** Published ids not served (over maxFiles, or waiting for a sink). */
  unserved: string[] = []
  private readonly readers = new Map<string, Reader>()
  private sink: FileSink | null = null

  constructor(
    private readonly main: RedisConn,
    private readonly keys: RedisKeys,
    private readonly o: EdgeFilesOptions & { maxBackoffMs?: number }
  ) {}

  /** From now on new and removed files go to `sink` (files served before stay served). */
  serveIn(sink: FileSink): void {
    this.sink = sink
  }

  async open(id: string): Promise<EdgeSource> {
    const meta = await readMeta(this.main.client, this.keys, id)
    const s = new EdgeSource(
      id,
      meta?.path ?? id,
      this.keys.stream(id),
      this.main.client,
      this.o.ring
    )
    s.setMeta(meta)
    const conn = this.main.duplicate(`taillight-edge:${id}`)
    const reader = startReader(s, conn, { ...this.o.reader, maxBackoffMs: this.o.maxBackoffMs })
    this.readers.set(id, reader)
    this.sources.push(s)
    return s
  }

  synced(): Promise<boolean[]> {
    return Promise.all([...this.readers.values()].map((r) => r.synced))
  }

  /** Metadata, rewound streams, and the files that came and went since the last poll. */
  async poll(): Promise<void> {
    for (const s of this.sources) {
      s.setMeta(await readMeta(this.main.client, this.keys, s.id))
      // A stream now older than what we applied lost its newest entries (a failover to a
      // replica that lagged, a restart): in the same generation, read on after its top (what
      // the watcher re-publishes and this edge delivered is skipped, live.ts); a stream begun
      // again under a clock that went back is read from its start, as a gap.
      const top = await readTop(this.main.client, s.key)
      if (top && compareIds(top.id, s.stats.lastId) < 0) {
        s.live.rewind(parseId(top.id).epoch === s.live.head.gen ? top.id : '0-0')
      }
    }
    const ids = await listFiles(this.main.client, this.keys)
    const published = new Set(ids)
    const served = new Set(this.sources.map((s) => s.id))
    if (this.sink) {
      for (const s of [...this.sources]) if (!published.has(s.id)) await this.close(s.id)
      const fresh = ids.filter((id) => !served.has(id))
      const room = (this.o.maxFiles ?? 256) - this.sources.length
      for (const id of fresh.slice(0, Math.max(0, Math.min(room, this.o.openPerPoll ?? 16)))) {
        this.sink.add(await this.open(id))
        served.add(id)
      }
    }
    this.unserved = ids.filter((id) => !served.has(id))
  }

  private async close(id: string): Promise<void> {
    const i = this.sources.findIndex((s) => s.id === id)
    if (i >= 0) this.sources.splice(i, 1)
    this.sink?.remove(id, 'removed')
    await this.readers.get(id)?.stop()
    this.readers.delete(id)
  }

  async stop(): Promise<void> {
    await Promise.all([...this.readers.values()].map((r) => r.stop()))
  }
}
