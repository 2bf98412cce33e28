/**
 * @module One open file: an immutable identity (handle, device, inode, birth) and its last fstat.
 *
 * A followed path may name many files over time, and one file may carry several generations (a
 * truncation starts a new one over the same handle). What never changes while the handle is open
 * lives here, read-only; the handle is shared by those generations and by history reads, so it is
 * refcounted and closed only once nobody reads through it.
 */
import type { BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { fingerprint } from '../core/cursor.js'
import type { FollowerIo } from './options.js'

export class OpenFile {
  readonly dev: bigint
  readonly ino: bigint
  readonly birthNs: bigint
  /**
   * The fingerprint of offset 0: a position there covers no bytes, so it names the file instead.
   * Otherwise the start of every file (after each rotation or truncation) would have one and the
   * same cursor, and a client resuming from one would silently land in a later file.
   */
  readonly zeroFingerprint: string
  private _size: number
  private _nlink: number
  private mtimeNs: bigint
  private ctimeNs: bigint
  private _lastChange = Date.now()
  private refs = 0
  private closing: Promise<void> | null = null
  private closeWhenFree: (() => void) | null = null

  constructor(
    readonly fh: FileHandle,
    st: BigIntStats,
    private readonly readSync: FollowerIo['readSync']
  ) {
    this.dev = st.dev
    this.ino = st.ino
    this.birthNs = st.birthtimeNs
    this.zeroFingerprint = fingerprint(
      new TextEncoder().encode(`${st.dev}:${st.ino}:${st.birthtimeNs}`),
      new Uint8Array(0)
    )
    this._size = Number(st.size)
    this._nlink = Number(st.nlink)
    this.mtimeNs = st.mtimeNs
    this.ctimeNs = st.ctimeNs
  }

  /** Size at the last fstat, or the furthest byte read since, whichever is larger. */
  get size(): number {
    return this._size
  }

  /** Link count at the last fstat: 0 means the name now points at another file. */
  get nlink(): number {
    return this._nlink
  }

  /** When the file was last seen to change (fstat moved, or bytes were read). */
  get lastChange(): number {
    return this._lastChange
  }

  get closed(): boolean {
    return this.closing !== null
  }

  /** fstats the handle now; returns true when size, mtime or ctime moved since the last one. */
  async refresh(): Promise<boolean> {
    const st = await this.fh.stat({ bigint: true })
    const changed =
      Number(st.size) !== this._size || st.mtimeNs !== this.mtimeNs || st.ctimeNs !== this.ctimeNs
    this._size = Number(st.size)
    this._nlink = Number(st.nlink)
    this.mtimeNs = st.mtimeNs
    this.ctimeNs = st.ctimeNs
    if (changed) this._lastChange = Date.now()
    return changed
  }

  /** Bytes up to `end` were just read: the file is at least that long, and it changed. */
  sawBytes(end: number): void {
    this._size = Math.max(this._size, end)
    this._lastChange = Date.now()
  }

  /**
   * pread. `sync` only with native notification on a local file system: the bytes were just
   * written, so the pread is a page-cache copy of a few microseconds, while a thread-pool round
   * trip costs about 0.1 ms of latency. Polling (maybe NFS) always reads asynchronously.
   */
  read(buf: Buffer, length: number, position: number, sync: boolean): number | Promise<number> {
    // Synchronously a plain number, so the fast path does not even wait a microtask.
    if (sync) return this.readSync(this.fh.fd, buf, 0, length, position)
    return this.fh.read(buf, 0, length, position).then((r) => r.bytesRead)
  }

  /** Keeps the handle open during a read that may outlive the file's time at the path. */
  acquire(): () => void {
    this.refs++
    let done = false
    return () => {
      if (done) return
      done = true
      this.refs--
      if (this.refs === 0) this.closeWhenFree?.()
    }
  }

  close(): Promise<void> {
    if (this.closing) return this.closing
    this.closing = new Promise<void>((resolve) => {
      const doClose = (): void => {
        this.fh.close().then(resolve, () => resolve())
      }
      if (this.refs === 0) doClose()
      else this.closeWhenFree = doClose
    })
    return this.closing
  }
}
