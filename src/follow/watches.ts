/**
 * @module Which wake-up source a follower uses, and its native watches.
 *
 * Native notification (inotify/kqueue) when the addon loaded and the file system reports local
 * writes; stat polling otherwise, always with the reason. A follower never depends on a watch for
 * correctness: a failed or lost watch only makes it check on a timer instead.
 */
import { statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { BackendInfo } from '../core/types.js'
import { errorCode } from './errors.js'
import type { NativeLoadResult } from './native.js'
import type { OpenFile } from './open-file.js'
import { Wake } from './native-types.js'
import type { ResolvedOptions } from './options.js'
import { remoteFsOf } from './remote-fs.js'
import { wakeHubFor, type WakeHub } from './wake-hub.js'

export class Watches {
  info: BackendInfo = { backend: 'poll', reason: 'starting' }
  private hub: WakeHub | null = null
  /** Set once watches failed: keep the hub only to remove the watches we still have. */
  private pollOnly = false
  private dirWatch = 0
  /** The directory the watch is on (dev:ino), to notice it was removed when no kernel says so. */
  private dirId = ''
  /** Native watch ids of the open files that have one. */
  private readonly fileWatches = new Map<OpenFile, number>()
  private path = ''

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly native: NativeLoadResult,
    private readonly dir: string,
    private readonly base: string,
    private readonly kick: (flags: number) => void,
    private readonly onBackend: (info: BackendInfo) => void = () => undefined
  ) {}

  /** Chooses the backend for `path`. */
  async init(path: string): Promise<BackendInfo> {
    this.path = path
    if (this.opts.poll) return this.usePoll('forced')
    const native = this.native
    if (!native.binding) return this.usePoll(`no-native-addon: ${native.reason ?? 'not loaded'}`)
    const remote = (await remoteFsOf(path)) ?? (await remoteFsOf(this.dir))
    if (remote) return this.usePoll(`remote-fs:${remote}`)
    try {
      this.hub = wakeHubFor(native.binding)
    } catch (err) {
      return this.usePoll(`${errorCode(err)}: ${(err as Error).message}`)
    }
    this.info = { backend: native.binding.backend }
    this.rearmDir()
    return this.info
  }

  /** Watches the inode behind an open file, so writes to it wake us even after a rename. */
  watchFile(file: OpenFile): void {
    if (!this.hub || this.pollOnly || this.fileWatches.has(file)) return
    try {
      const id = this.hub.watchFd(file.fh.fd, this.path, (flags) => {
        // The kernel dropped it; the id still counts as a watch (keeping the loop alive) until
        // it is removed.
        if (flags & Wake.IGNORED) this.unwatchFile(file)
        this.kick(flags)
      })
      this.fileWatches.set(file, id)
    } catch (err) {
      this.degrade(err)
    }
  }

  unwatchFile(file: OpenFile): void {
    const id = this.fileWatches.get(file)
    if (id === undefined) return
    this.fileWatches.delete(file)
    this.hub?.unwatch(id)
  }

  /**
   * Reads of this file may be synchronous (see OpenFile.read): it has a native watch, and native
   * notification only runs on local file systems (remote ones poll).
   */
  syncReads(file: OpenFile): boolean {
    return this.fileWatches.has(file)
  }

  /** (Re)watches the parent directory for our name; it may not exist yet. */
  rearmDir(): void {
    if (!this.hub || this.pollOnly || this.dirWatch) return
    try {
      const st = statSync(this.dir)
      this.dirWatch = this.hub.watchDir(this.dir, this.base, (flags) => {
        if (flags & (Wake.DIR_GONE | Wake.IGNORED)) this.dropDir()
        this.kick(flags | Wake.NAME)
      })
      this.dirId = `${st.dev}:${st.ino}`
    } catch (err) {
      const code = errorCode(err)
      // A missing directory is a state we poll through, not a reason to give up notification.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.degrade(err)
    }
  }

  /**
   * Drops the directory watch when the directory it is on was removed (or replaced) although
   * no DIR_GONE came: libkqueue never sends one, since Linux reports a removed directory only
   * once its last descriptor closes, and the watch holds one. Without this a recreated
   * directory would be noticed only by the safety tick; with it the follower polls until the
   * directory is back, then watches the new one.
   */
  async verifyDir(): Promise<void> {
    if (!this.dirWatch) return
    const watched = this.dirWatch
    let now = ''
    try {
      const st = await stat(this.dir)
      now = `${st.dev}:${st.ino}`
    } catch {
      // Gone: nothing can be the same directory.
    }
    if (this.dirWatch === watched && now !== this.dirId) this.dropDir()
  }

  /** True when something is not covered by a live watch, so the follower must poll. */
  needsPolling(files: OpenFile[]): boolean {
    if (!this.hub || this.pollOnly || !this.dirWatch) return true
    return files.some((f) => !this.fileWatches.has(f))
  }

  close(): void {
    for (const file of [...this.fileWatches.keys()]) this.unwatchFile(file)
    this.dropDir()
    this.hub = null
  }

  private dropDir(): void {
    if (this.hub && this.dirWatch) this.hub.unwatch(this.dirWatch)
    this.dirWatch = 0
  }

  /** Out of watches (ENOSPC, EMFILE...): this follower polls from now on, and says so. */
  private degrade(err: unknown): void {
    this.dropDir()
    this.pollOnly = true
    this.usePoll(`${errorCode(err)}: ${(err as Error).message}`)
    this.onBackend(this.info)
  }

  private usePoll(reason: string): BackendInfo {
    this.info = { backend: 'poll', reason }
    return this.info
  }
}
