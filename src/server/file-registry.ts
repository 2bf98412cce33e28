/**
 * @module The files an app serves, changing while it runs: a file is added with its own
 * broadcaster, its access changed, or removed with a last `gone` event to its clients.
 *
 * The map is the one the routes read (AppContext.files), changed in place, so a route sees a
 * file from the moment it is added and a removed id is 404 at once. Open streams that show
 * every file (the merged view) are told of each change (`watch`), rather than each looking at
 * the map on a timer: a change costs one call per such stream, a quiet second costs nothing.
 */
import type { GoneEvent } from '../core/protocol.js'
import type { LogSource } from '../core/log-source.js'
import type { Broadcaster } from './broadcaster.js'
import type { FileEntry } from './context.js'
import { encodeEvent } from './sse-frame.js'

/** What a config says about a file besides its path. */
export interface FileMeta {
  /** Groups that may see the file; undefined: every authenticated request. */
  groups?: readonly string[]
  /** Lines sent on connect when ?lines= is absent. */
  lines?: number
}

export class FileRegistry {
  readonly #watchers = new Set<() => void>()

  constructor(
    readonly files: Map<string, FileEntry>,
    private readonly hubFor: (source: LogSource) => Broadcaster
  ) {}

  /** `fn` after each add, update or remove (in a later microtask); returns the unwatch. */
  watch(fn: () => void): () => void {
    this.#watchers.add(fn)
    return () => this.#watchers.delete(fn)
  }

  /** Streams watching the set now: each one's watch ends with it. */
  get watchers(): number {
    return this.#watchers.size
  }

  #changed(): void {
    // Later: the change's caller finishes first (a new file's hub is in the map, a removed
    // one's clients have their `gone`) before any stream acts on it.
    if (this.#watchers.size > 0) queueMicrotask(() => this.#watchers.forEach((w) => w()))
  }

  /** Serves a source under its id; ids must be unique among the files served. */
  add(source: LogSource, meta: FileMeta = {}): void {
    if (this.files.has(source.id)) {
      throw Object.assign(new Error(`duplicate file id ${source.id}`), {
        code: 'E_DUP_ID',
        path: source.path,
      })
    }
    const entry: FileEntry = { source, hub: this.hubFor(source) }
    this.files.set(source.id, withMeta(entry, meta))
    this.#changed()
  }

  /**
   * New groups or lines for a served file; false when the id is not served. New groups end
   * the file's streams (a fresh broadcaster takes over): each client reconnects with its
   * cursor and is let back in only if it may still see the file.
   */
  update(id: string, meta: FileMeta): boolean {
    const f = this.files.get(id)
    if (!f) return false
    const same = (f.groups ?? []).join('\0') === (meta.groups ?? []).join('\0')
    const regrouped = !same || (f.groups === undefined) !== (meta.groups === undefined)
    const hub = regrouped ? this.hubFor(f.source) : f.hub
    this.files.set(id, withMeta({ source: f.source, hub }, meta))
    if (regrouped) f.hub.close()
    this.#changed()
    return true
  }

  /** Stops serving: its clients get `gone` and their streams end. The source stays open. */
  remove(id: string, reason: GoneEvent['reason']): boolean {
    const f = this.files.get(id)
    if (!f) return false
    this.files.delete(id)
    f.hub.closeWith(encodeEvent('gone', { file: id, reason }))
    this.#changed()
    return true
  }
}

function withMeta(entry: FileEntry, meta: FileMeta): FileEntry {
  if (meta.groups !== undefined) entry.groups = [...meta.groups]
  if (meta.lines !== undefined) entry.lines = meta.lines
  return entry
}
