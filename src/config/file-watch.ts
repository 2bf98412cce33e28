/**
 * @module The followed set over time: re-scans the entries every second, opens what starts
 * matching, closes what stopped matching once its rotation grace is over, and applies a
 * reloaded list of entries.
 *
 * How a file is opened, served and closed is passed in (cli-files.ts wires the follower and the
 * app), so this module only decides which paths are followed and under which ids. An id is
 * kept by its path for as long as the path is followed: a link with ?file=ID stays valid.
 */
import { resolve } from 'node:path'
import { expand, type Named } from './file-set.js'
import type { FileSpec } from './schema.js'

export type GoneReason = 'removed' | 'deleted'

export interface FileWatchDeps<S> {
  /** Opens and serves a file under this id. */
  open(id: string, path: string, spec: FileSpec): Promise<S>
  /** Stops serving a file (its clients are told why) and closes it. */
  close(id: string, handle: S, reason: GoneReason): Promise<void>
  /** The entry naming a followed file changed (groups, lines). */
  update(id: string, spec: FileSpec): void
  log(line: string): void
  maxFiles: number
  /** How long a file may be absent before it is closed (a rotation's gap), ms. */
  graceMs?: number
  intervalMs?: number
  now?: () => number
}

interface Followed<S> {
  id: string
  path: string
  spec: FileSpec
  handle: S
  /** When a scan last did not find it (0 while found). */
  missingSince: number
}

export class FileWatch<S> {
  readonly #files = new Map<string, Followed<S>>() // by resolved path
  #specs: readonly FileSpec[]
  #busy: Promise<unknown> = Promise.resolve()
  #timer: ReturnType<typeof setInterval> | undefined
  #over = false
  /** Paths whose open failed, with the reason last logged. */
  readonly #failed = new Map<string, string>()

  constructor(
    specs: readonly FileSpec[],
    readonly deps: FileWatchDeps<S>
  ) {
    this.#specs = specs
  }

  get size(): number {
    return this.#files.size
  }

  /** Followed files in the order they were opened: `{id, path}`. */
  list(): { id: string; path: string; handle: S }[] {
    return [...this.#files.values()].map(({ id, path, handle }) => ({ id, path, handle }))
  }

  /** Scans every intervalMs from now on (the first scan is the caller's). */
  start(): void {
    this.#timer ??= setInterval(() => void this.scan(), this.deps.intervalMs ?? 1_000)
    ;(this.#timer as { unref?: () => void }).unref?.()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#busy
  }

  /** One scan; scans and reloads run one at a time. */
  scan(): Promise<{ added: number; removed: number }> {
    return this.#serial(() => this.#scan(false))
  }

  /** Replaces the entries: files no entry names any more are closed at once. */
  reload(specs: readonly FileSpec[]): Promise<{ added: number; removed: number }> {
    return this.#serial(() => {
      this.#specs = specs
      return this.#scan(true)
    })
  }

  #serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(fn)
    this.#busy = run.catch(() => undefined)
    return run
  }

  async #scan(reloaded: boolean): Promise<{ added: number; removed: number }> {
    const now = (this.deps.now ?? Date.now)()
    const { named, more } = await expand(
      this.#specs,
      this.deps.maxFiles,
      new Set(this.#files.keys())
    )
    const found = new Map<string, Named>(named.map((n) => [resolve(n.path), n]))
    const entries = new Set(this.#specs.map((s) => s.path))
    let removed = 0
    for (const [key, f] of this.#files) {
      const n = found.get(key)
      if (n) {
        f.missingSince = 0
        if (n.spec !== f.spec) this.#respec(f, n.spec)
        continue
      }
      const named = entries.has(f.spec.path)
      if (named && !reloaded) f.missingSince ||= now
      if (named && (reloaded || now - f.missingSince < (this.deps.graceMs ?? 5_000))) continue
      this.#files.delete(key)
      removed++
      this.deps.log(`no longer following ${f.path} (${f.id}): ${named ? 'deleted' : 'removed'}`)
      await this.deps
        .close(f.id, f.handle, named ? 'deleted' : 'removed')
        .catch((err: unknown) => this.deps.log(`closing ${f.path}: ${message(err)}`))
    }
    let added = 0
    let skipped = more
    for (const [key, n] of found) {
      if (this.#files.has(key)) continue
      if (this.#files.size >= this.deps.maxFiles) {
        skipped = true
        continue
      }
      const id = this.#allocate(n)
      let handle: S
      try {
        handle = await this.deps.open(id, n.path, n.spec)
      } catch (err) {
        // Tried again next scan; said once per distinct reason, not every second.
        const why = message(err)
        if (this.#failed.get(key) !== why) this.deps.log(`cannot follow ${n.path}: ${why}`)
        this.#failed.set(key, why)
        continue
      }
      this.#failed.delete(key)
      this.#files.set(key, { id, path: n.path, spec: n.spec, handle, missingSince: 0 })
      added++
    }
    for (const key of this.#failed.keys()) if (!found.has(key)) this.#failed.delete(key)
    if (skipped && !this.#over) {
      this.deps.log(
        `more than ${this.deps.maxFiles} files match; following ${this.#files.size}, ` +
          'the rest are not followed (raise --max-files)'
      )
    }
    this.#over = skipped
    return { added, removed }
  }

  #respec(f: Followed<S>, spec: FileSpec): void {
    const same =
      f.spec.lines === spec.lines &&
      (f.spec.groups ?? []).join('\0') === (spec.groups ?? []).join('\0')
    f.spec = spec
    if (!same) this.deps.update(f.id, spec)
  }

  /** The entry's id for a single file, else the base name; `-2`, `-3`… when taken. */
  #allocate(n: Named): string {
    const used = new Set([...this.#files.values()].map((f) => f.id))
    // An id an entry asks for is kept free for it, even before its file exists.
    const reserved = new Set(this.#specs.flatMap((s) => (s.id ? [s.id] : [])))
    if (n.spec.id && !n.pattern && !used.has(n.spec.id)) return n.spec.id
    const base = (n.path.split(/[\\/]/).filter(Boolean).pop() ?? '').replace(
      /[^A-Za-z0-9._-]/g,
      '_'
    )
    const stem = base === '' || /^\.+$/.test(base) ? 'file' : base
    let id = stem
    for (let i = 2; used.has(id) || reserved.has(id); i++) id = `${stem}-${i}`
    return id
  }
}

function message(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? `${e.code} ` : ''
  return code + (typeof e?.message === 'string' ? e.message : String(err))
}
