/**
 * @module The command's followed files: a FileWatch whose files are local followers, served by
 * the app once it runs, and the SIGHUP reload of the config file's entries.
 */
import { specFor } from './config/file-set.js'
import { FileWatch } from './config/file-watch.js'
import type { FileSpec } from './config/schema.js'
import { createFileSource, type FileSource } from './follow/file-source.js'
import type { FileMeta } from './server/file-registry.js'
import type { FileRegistry } from './server/file-registry.js'

export const meta = (spec: FileSpec): FileMeta => {
  const m: FileMeta = {}
  if (spec.groups) m.groups = spec.groups
  if (spec.lines !== undefined) m.lines = spec.lines
  return m
}

export interface LocalFiles {
  watch: FileWatch<FileSource>
  /** The app to serve files in; files opened before it exists are handed over by the caller. */
  serveIn(registry: FileRegistry): void
  /** Groups and lines by id of the files open now. */
  metaById(): Map<string, FileMeta>
}

export function localFiles(
  specs: readonly FileSpec[],
  o: {
    poll: boolean
    /** Follow files in directories others may write (no symlink-swap check). */
    allowInsecureDir?: boolean
    maxFiles: number
    /** Rotated siblings read by scrollback and search (--history). */
    history?: number
    log: (line: string) => void
    /** Every source opened, from its first tick (alerts watch its lines). */
    onOpen?: (s: FileSource) => void
    /** A source closed for good (it went away, or left the config). */
    onClose?: (id: string) => void
  }
): LocalFiles {
  let registry: FileRegistry | undefined
  const specOf = new Map<string, FileSpec>()
  const watch = new FileWatch<FileSource>(specs, {
    maxFiles: o.maxFiles,
    log: o.log,
    async open(id, path, spec) {
      const s = await createFileSource(id, path, {
        poll: o.poll,
        allowInsecureDir: o.allowInsecureDir,
        history: o.history,
      })
      o.onOpen?.(s)
      s.subscribe((e) => {
        if (e.type === 'error') o.log(`${e.code} ${e.path}: ${e.message}`)
        else if (e.type === 'missing') o.log(`waiting for ${e.path}`)
      })
      // Missing already at start (the event fired before we subscribed): say so once here.
      if (s.info().state === 'missing') o.log(`waiting for ${path}`)
      const phase = s.follower.phase
      if (phase.kind === 'error') o.log(`${phase.code} ${path}: ${phase.message}`)
      specOf.set(id, spec)
      if (registry) {
        try {
          registry.add(s, meta(spec))
        } catch (err) {
          specOf.delete(id)
          await s.close()
          throw err
        }
        o.log(`following ${path} (${id}, ${s.info().backend.backend})`)
      }
      return s
    },
    async close(id, s, reason) {
      specOf.delete(id)
      registry?.remove(id, reason)
      o.onClose?.(id)
      await s.close()
    },
    update(id, spec) {
      specOf.set(id, spec)
      registry?.update(id, meta(spec))
    },
  })
  return {
    watch,
    serveIn: (r) => (registry = r),
    metaById: () => new Map([...specOf].map(([id, spec]) => [id, meta(spec)])),
  }
}

/** Groups and lines of files served from Redis, by the entry that names each one's path. */
export function edgeMeta(
  sources: readonly { id: string; path: string }[],
  specs: readonly FileSpec[]
): Map<string, FileMeta> {
  return new Map(sources.map((s) => [s.id, meta(specFor(s.path, specs) ?? { path: s.path })]))
}
