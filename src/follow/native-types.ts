/**
 * @module The contract between the native addon (native/) and the TypeScript follower.
 *
 * The addon is mechanism only: it tells us *that* something may have changed (wake-ups) and reads
 * bytes backwards. Every decision (appended, truncated, rotated, missing) is made in TypeScript by
 * re-checking the file, so a lost, merged or spurious wake-up can never lose or duplicate data.
 */

/** Bits reported per watch. A wake-up is a hint; the follower re-checks everything on any bit. */
export const Wake = {
  /** The watched inode's content changed (IN_MODIFY / NOTE_WRITE|NOTE_EXTEND). */
  MODIFY: 1,
  /** Metadata changed: chmod, link count (unlink of an open file), truncate on some systems. */
  ATTRIB: 2,
  /** The watched inode was renamed (IN_MOVE_SELF / NOTE_RENAME). */
  MOVE_SELF: 4,
  /** The watched inode was deleted (IN_DELETE_SELF / NOTE_DELETE). */
  DELETE_SELF: 8,
  /** A directory entry with the watched basename was created, deleted, or moved in or out. */
  NAME: 16,
  /** The watched directory itself was deleted, moved, or unmounted. */
  DIR_GONE: 32,
  /** The kernel queue overflowed: events were lost, so every watch must rescan. */
  OVERFLOW: 64,
  /** The kernel dropped this watch (inode freed, file system unmounted); it will not fire again. */
  IGNORED: 128,
} as const

/** Called on the JS thread with every watch that woke since the previous call (coalesced). */
export type WakeCallback = (ids: number[], flags: number[]) => void

export interface NativeNotifier {
  /**
   * Watches the inode behind an open descriptor (on Linux through /proc/self/fd/<fd>, so the watch
   * is on exactly the file we hold, never on whatever the name points to now). `path` is used for
   * error messages only. Returns a watch id > 0. Throws an Error with `code`, `syscall`, `path`
   * (ENOSPC when inotify watches are exhausted, EMFILE, ...).
   */
  watchFd(fd: number, path: string): number
  /**
   * Watches directory `dir` for entries named `name` (created, deleted, moved in/out, attrib) and
   * for the directory's own removal (DIR_GONE). Events for other names are filtered out natively.
   */
  watchDir(dir: string, name: string): number
  /** Stops one watch. Unknown or already removed ids are ignored. */
  unwatch(id: number): void
  /** Keep the event loop alive while watches exist (default) or not. */
  ref(): void
  unref(): void
  /** Stops and joins the native thread and closes its descriptors. Idempotent. */
  close(): void
}

export interface BackwardRead {
  /** Offset of data[0] in the file. */
  start: number
  /** The bytes [start, end). */
  data: Buffer
  /** True when the scan stopped at maxBytes before finding enough line starts. */
  hitLimit: boolean
}

export interface NativeBinding {
  /** The notification mechanism compiled in. */
  readonly backend: 'inotify' | 'kqueue'
  /** One notifier per JS environment is enough; it multiplexes any number of watches. */
  createNotifier(onWake: WakeCallback): NativeNotifier
  /**
   * Reads backwards from `end` (exclusive) on `fd` with pread in `chunkSize` chunks, off the JS
   * thread. Returns the bytes from just after the (maxLines + 1)-th '\n' found scanning from
   * end - 1 downwards (offset 0 if there are not that many), which is exactly `maxLines` complete
   * lines plus the unterminated tail if the byte at end - 1 is not '\n'. Never returns more than
   * maxBytes bytes: then start = end - maxBytes and hitLimit = true. A short read (the file shrank)
   * rejects with code ECHANGED. Errors carry `code`, `syscall`.
   */
  readBackward(
    fd: number,
    end: number,
    maxLines: number,
    maxBytes: number,
    chunkSize: number
  ): Promise<BackwardRead>
  /**
   * One non-blocking send(2) of `bytes` to the connected socket `fd`: the bytes written (0 when
   * its buffer is full) or -errno (EPIPE, ECONNRESET, ...). Absent from addons built before it.
   */
  writeSocket?(fd: number, bytes: Uint8Array): number
  /**
   * `bytes` to each of the first `count` sockets of `fds` (results[i] as writeSocket's), split
   * over the threads of sendHelpers; returns once every send is made.
   */
  sendMany?(fds: Int32Array, count: number, bytes: Uint8Array, results: Int32Array): void
  /** How many threads besides the caller's sendMany uses (0: the caller's alone). */
  sendHelpers?(helpers: number): void
}
