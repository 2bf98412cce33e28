/**
 * @module One open file behind a followed path: its handle, identity, read position and cursor.
 *
 * A path goes through generations: each rotation, recreation or truncation starts a new one.
 * The handle stays open while the generation is current or draining, so reads (live, resume,
 * scrollback, download) always see the file the positions refer to, whatever the name points to.
 */
import type { BigIntStats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { fingerprint, fingerprintRanges, formatCursor, HEAD_BYTES } from '../core/cursor.js'
import { LineSplitter, type SplitterOptions } from '../core/line-splitter.js'
import type { LogLine } from '../core/types.js'
import { readExact } from './read-exact.js'
import type { FollowerIo } from './options.js'

export interface Batch {
  lines: LogLine[]
  start: number
  end: number
  /** Bytes consumed from the file by this read. */
  bytes: number
  /** The read came back short: nothing more to read right now. */
  eof: boolean
}

export interface Truncation {
  truncated: 'size' | 'marker'
}

/** Bytes before the read offset re-checked on every read (Fluent Bit uses 32). */
export const MARKER_BYTES = 32

function sameBytes(buf: Buffer, len: number, marker: Uint8Array): boolean {
  if (marker.length !== len) return false
  for (let i = 0; i < len; i++) if (buf[i] !== marker[i]) return false
  return true
}

export class Generation {
  gen: number
  readonly fh: FileHandle
  readonly dev: bigint
  readonly ino: bigint
  readonly splitter: LineSplitter
  /**
   * The committed position and its fingerprint: just past the last line handed to consumers.
   * Both change together, synchronously, so position() never pairs an offset with another
   * offset's fingerprint (the splitter runs ahead while a fingerprint is being read).
   */
  offset: number
  fp: string
  size: number
  nlink: number
  private mtimeNs: bigint
  private ctimeNs: bigint
  /**
   * Read on the JS thread. Only with native notification on a local file system: the bytes were
   * just written, so the pread is a page-cache copy of a few microseconds, while a thread-pool
   * round trip costs about 0.1 ms of latency. Polling (maybe NFS) always reads asynchronously.
   */
  syncReads = false
  /** Native watch id on this inode, 0 when none. */
  fileWatch = 0
  /** When draining (rotated away): stop after this time unless it keeps changing. */
  drainUntil = 0
  drainStarted = 0
  /** The last read reached the end of the file. */
  atEof = false
  lastChange = Date.now()
  private head: Buffer | null = null
  private readonly identity: Uint8Array
  /** The MARKER_BYTES just before splitter.end, as we read them. */
  private marker: Uint8Array = new Uint8Array(0)
  private refs = 0
  private closing: Promise<void> | null = null
  private closeWhenFree: (() => void) | null = null

  constructor(
    gen: number,
    fh: FileHandle,
    st: BigIntStats,
    offset: number,
    opts: SplitterOptions,
    private readonly readSync: FollowerIo['readSync']
  ) {
    this.gen = gen
    this.fh = fh
    this.dev = st.dev
    this.ino = st.ino
    this.size = Number(st.size)
    this.nlink = Number(st.nlink)
    this.mtimeNs = st.mtimeNs
    this.ctimeNs = st.ctimeNs
    this.splitter = new LineSplitter(offset, opts)
    this.offset = offset
    // A position at offset 0 covers no bytes, so its fingerprint is the file's identity instead:
    // otherwise the start of every file (after each rotation or truncation) would have one and
    // the same cursor, and a client resuming from one would silently land in a later file.
    this.identity = new TextEncoder().encode(`${st.dev}:${st.ino}:${st.birthtimeNs}`)
    this.fp = this.zeroFingerprint
  }

  get cursor(): string {
    return formatCursor(this.offset, this.fp)
  }

  /** Records a fresh fstat; returns true when size, mtime or ctime moved since the last one. */
  note(st: BigIntStats): boolean {
    const changed =
      Number(st.size) !== this.size || st.mtimeNs !== this.mtimeNs || st.ctimeNs !== this.ctimeNs
    this.size = Number(st.size)
    this.nlink = Number(st.nlink)
    this.mtimeNs = st.mtimeNs
    this.ctimeNs = st.ctimeNs
    if (changed) this.lastChange = Date.now()
    return changed
  }

  /** Fingerprint at `offset`, reusing bytes just read when they cover the range; null if short. */
  async fingerprintAt(
    offset: number,
    known?: { buf: Uint8Array; at: number }
  ): Promise<string | null> {
    if (offset === 0) return this.zeroFingerprint
    const { headEnd, tailStart } = fingerprintRanges(offset)
    let head: Uint8Array
    if (this.head && headEnd <= this.head.length) head = this.head.subarray(0, headEnd)
    else {
      head = await readExact(this.fh, 0, headEnd)
      // The head of a generation never changes (a rewrite starts a new generation), so read once.
      if (head.length === HEAD_BYTES) this.head = Buffer.from(head)
    }
    let tail: Uint8Array
    if (known && tailStart >= known.at && offset <= known.at + known.buf.length) {
      tail = known.buf.subarray(tailStart - known.at, offset - known.at)
    } else tail = await readExact(this.fh, tailStart, offset)
    if (head.length !== headEnd || tail.length !== offset - tailStart) return null
    return fingerprint(head, tail)
  }

  /** The fingerprint of offset 0 in this file (see the constructor). */
  get zeroFingerprint(): string {
    return fingerprint(this.identity, new Uint8Array(0))
  }

  /** Restarts at 0 after a truncation, with no held bytes. */
  restart(gen: number, fp: string, skipLeadingNul: boolean): void {
    const offset = 0
    this.gen = gen
    this.head = null
    this.splitter.reset(offset, skipLeadingNul)
    this.offset = offset
    this.fp = fp
    this.marker = new Uint8Array(0)
  }

  /**
   * Reads what follows the consumed bytes, splits it and commits the new position, in ONE pread
   * that also re-reads the MARKER_BYTES just before our read offset: if those came back short
   * or different, the file was truncated (and maybe regrown) under us. No fstat is needed on
   * the hot path, which keeps notification-to-lines latency to one thread-pool round trip.
   */
  async readBatch(maxBytes: number, buf: Buffer): Promise<Batch | Truncation> {
    const at = this.splitter.end
    const mStart = Math.max(0, at - MARKER_BYTES)
    const mLen = at - mStart
    const want = Math.min(buf.length, mLen + maxBytes)
    const bytesRead = this.syncReads
      ? this.readSync(this.fh.fd, buf, 0, want, mStart)
      : (await this.fh.read(buf, 0, want, mStart)).bytesRead
    if (bytesRead < mLen) return { truncated: 'size' }
    if (!sameBytes(buf, mLen, this.marker)) return { truncated: 'marker' }
    const start = this.splitter.offset
    const eof = bytesRead < want
    if (bytesRead === mLen) return { lines: [], start, end: start, bytes: 0, eof }
    const chunk = buf.subarray(mLen, bytesRead)
    const lines = this.splitter.push(chunk)
    const consumed = this.splitter.end
    this.marker = Buffer.from(
      buf.subarray(Math.max(0, consumed - MARKER_BYTES - mStart), bytesRead)
    )
    this.size = Math.max(this.size, consumed)
    this.lastChange = Date.now()
    const end = this.splitter.offset
    if (lines.length > 0) {
      const fp = await this.fingerprintAt(end, { buf: buf.subarray(0, bytesRead), at: mStart })
      if (fp === null) return { truncated: 'size' }
      this.offset = end
      this.fp = fp
    }
    return { lines, start, end, bytes: chunk.length, eof }
  }

  /** Reads the marker for a position we did not reach by reading (open, restart). */
  async loadMarker(): Promise<void> {
    const at = this.splitter.end
    this.marker = await readExact(this.fh, Math.max(0, at - MARKER_BYTES), at)
  }

  /** True when the first bytes of the file are no longer those we fingerprinted. */
  async headChanged(): Promise<boolean> {
    if (!this.head) return false
    const now = await readExact(this.fh, 0, this.head.length)
    return !now.equals(this.head)
  }

  /** Keeps the handle open during a read that may outlive the generation. */
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

  get closed(): boolean {
    return this.closing !== null
  }
}
