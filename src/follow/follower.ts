/**
 * @module Follower: follows one path through appends, rotations, truncations and absences.
 *
 * Every wake-up (native notification, safety tick or poll) runs the same idempotent check of the
 * whole state: late data in rotated-away files, truncation of the current file, new bytes, and
 * whether the path still names the file we hold. Events only say "look again", so a lost, merged
 * or overflowed notification can delay a line by one tick at most, never lose or repeat it.
 */
import { constants } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { fingerprint } from '../core/cursor.js'
import type { Position } from '../core/log-source.js'
import type { BackendInfo, FollowEvent, FollowerState, LogLine } from '../core/types.js'
import { Generation } from './generation.js'
import { errorCode, toErrorEvent } from './errors.js'
import { loadNative, type NativeLoadResult } from './native.js'
import { Wake, type NativeBinding } from './native-types.js'
import { readBackward } from './read-backward.js'
import { resolveOptions, type FollowerOptions, type ResolvedOptions } from './options.js'
import { Watches } from './watches.js'

export type { FollowerOptions } from './options.js'
export type Listener = (e: FollowEvent) => void | PromiseLike<unknown>

const EMPTY_FP = fingerprint(new Uint8Array(0), new Uint8Array(0))
/** Any bit but MODIFY asks for the full check (identity of the name, metadata, head). */
const FULL_CHECK = Wake.ATTRIB

export class Follower {
  readonly path: string
  /** The addon, when loaded: used for notification and for reading backwards. */
  readonly native: NativeBinding | null
  private readonly opts: ResolvedOptions
  private readonly listeners = new Set<Listener>()
  private readonly watches: Watches
  private cur: Generation | null = null
  private draining: Generation[] = []
  private genCounter = 0
  private _state: FollowerState = 'starting'
  private running: Promise<void> | null = null
  /** Wake-up bits not yet handled (see kick). */
  private pending = 0
  private timer: NodeJS.Timeout | null = null
  private pollDelay: number
  private inFlight = 0
  private sawData = false
  private lastError: string | null = null
  private readBuf: Buffer
  private closed = false

  constructor(path: string, options: FollowerOptions = {}) {
    this.path = resolve(path)
    this.opts = resolveOptions(options)
    this.pollDelay = this.opts.pollMinMs
    this.readBuf = Buffer.allocUnsafe(this.opts.maxBatchBytes)
    const loaded: NativeLoadResult =
      this.opts.native === undefined
        ? loadNative()
        : { binding: this.opts.native, reason: 'native addon not used (disabled by the caller)' }
    this.native = loaded.binding
    this.watches = new Watches(
      this.opts,
      loaded,
      dirname(this.path),
      basename(this.path),
      (flags) => this.kick(flags),
      (info) => this.emit({ type: 'backend', ...info })
    )
  }

  get state(): FollowerState {
    return this._state
  }

  get backend(): BackendInfo {
    return this.watches.info
  }

  /** Size of the current file at the last check (0 when missing). */
  get size(): number {
    return this.cur?.size ?? 0
  }

  /** Subscribes; a listener returning a promise holds back reading until it settles. */
  on(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Opens the file (or starts waiting for it) and starts following. New lines only. */
  async start(): Promise<void> {
    const info = await this.watches.init(this.path)
    this.emit({ type: 'backend', ...info })
    try {
      await this.openCurrent(this.opts.start)
    } catch (err) {
      this.fail(err)
    }
    if (!this.cur && this._state === 'starting') this.setMissing()
    this.kick()
  }

  position(): Position {
    const g = this.cur
    if (!g) return { gen: 0, offset: 0, cursor: `0-${EMPTY_FP}` }
    return { gen: g.gen, offset: g.offset, cursor: g.cursor }
  }

  /** The open generation with that number (current or draining), if any. */
  generation(gen: number): Generation | null {
    if (this.cur?.gen === gen) return this.cur
    return this.draining.find((g) => g.gen === gen) ?? null
  }

  /** The current generation, if the path is followed right now. */
  current(): Generation | null {
    return this.cur
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    await this.running
    for (const g of [...this.draining, ...(this.cur ? [this.cur] : [])]) {
      this.watches.unwatchFile(g)
      await g.close()
    }
    this.watches.close()
    this.draining = []
    this.cur = null
    this._state = 'closed'
    this.listeners.clear()
  }

  /**
   * Runs a check now, or right after the one in progress. `flags` are the wake-up bits: a bare
   * MODIFY only needs a read; anything else (names, metadata, ticks) gets the full check.
   */
  private kick(flags: number = FULL_CHECK): void {
    if (this.closed) return
    this.pending |= flags
    if (this.running) return
    this.running = this.run().finally(() => {
      this.running = null
      // While the consumer holds every batch, its settling kicks us; ticks keep checking names.
      if (this.pending && this.inFlight < this.opts.maxInFlight) this.kick(0)
      else this.schedule()
    })
  }

  private async run(): Promise<void> {
    this.sawData = false
    while (this.pending && !this.closed) {
      const paused = this.inFlight >= this.opts.maxInFlight
      const flags = this.pending
      const full =
        (flags & ~Wake.MODIFY) !== 0 || this.watches.needsPolling(this.cur, this.draining)
      // A paused consumer stops reading, not watching: names are still checked, so rotations
      // that happen meanwhile are seen while each generation is still there to be read.
      if (paused && !full) break
      this.pending = 0
      try {
        await this.cycle(full)
      } catch (err) {
        this.fail(err)
      }
      if (paused) break
    }
    this.pollDelay = this.sawData
      ? this.opts.pollMinMs
      : Math.min(this.opts.pollMaxMs, this.pollDelay * 2)
  }

  private schedule(): void {
    if (this.closed) return
    if (this.timer) clearTimeout(this.timer)
    let delay = this.watches.needsPolling(this.cur, this.draining)
      ? this.pollDelay
      : this.opts.safetyTickMs
    for (const g of this.draining) delay = Math.min(delay, Math.max(10, g.drainUntil - Date.now()))
    this.timer = setTimeout((flags) => this.kick(flags), delay)
  }

  private async cycle(full: boolean): Promise<void> {
    for (const g of [...this.draining]) await this.drain(g, full)
    if (this.cur) await this.readCurrent(this.cur, full)
    if (this.closed || !full) return
    this.watches.rearmDir()
    await this.checkName()
  }

  /** Reads everything new in the current file (the read itself detects truncation). */
  private async readCurrent(g: Generation, full: boolean): Promise<void> {
    if (full) {
      g.note(await g.fh.stat({ bigint: true }))
      // Rewritten from the start with the same bytes before our offset: only the head tells.
      if (await g.headChanged()) await this.truncated(g, 'marker', false)
    }
    await this.readTo(g, false)
  }

  private async readTo(g: Generation, previous: boolean): Promise<void> {
    g.atEof = false
    while (!this.closed) {
      if (this.inFlight >= this.opts.maxInFlight) return // resumed when a consumer settles
      const r = await g.readBatch(this.opts.maxBatchBytes, this.readBuf)
      if ('truncated' in r) {
        await this.truncated(g, r.truncated, previous)
        if (previous) return
        continue
      }
      if (r.bytes > 0) this.sawData = true
      if (r.lines.length > 0) this.emitLines(g, r.lines, r.start, previous)
      if (r.eof) {
        g.atEof = true
        return
      }
    }
  }

  private emitLines(g: Generation, lines: LogLine[], start: number, previous: boolean): void {
    const ev: FollowEvent = {
      type: 'lines',
      lines,
      start,
      end: g.splitter.offset,
      cursor: g.cursor,
    }
    if (previous) ev.previous = true
    this.emit(ev)
  }

  /**
   * The file got shorter than what we read, or the bytes before our offset changed: deliver the
   * held partial line, and start over at 0 as a new generation. A rotated-away file that gets
   * truncated (copied and emptied by a second rotation) is simply finished.
   */
  private async truncated(
    g: Generation,
    reason: 'size' | 'marker',
    previous: boolean
  ): Promise<void> {
    const oldOffset = g.splitter.end
    const rest = g.splitter.flush()
    if (rest) this.emitLines(g, [{ ...rest, partial: true }], rest.offset, previous)
    if (previous) {
      g.atEof = true
      g.drainUntil = 0
      return
    }
    const size = Number((await g.fh.stat()).size)
    g.restart(++this.genCounter, g.zeroFingerprint, this.opts.skipLeadingNul)
    this.emit({ type: 'truncated', reason, oldOffset, size, cursor: g.cursor })
  }

  /** Late lines in a rotated-away file; closes it once it has been quiet past its grace time. */
  private async drain(g: Generation, full: boolean): Promise<void> {
    if (full) g.note(await g.fh.stat({ bigint: true }))
    await this.readTo(g, true)
    const now = Date.now()
    // A writer that has not reopened its log yet keeps appending to the old file: give it time,
    // longer while it is still writing, but bounded.
    const cap = g.drainStarted + this.opts.rotateGraceMaxMs
    if (g.drainUntil > 0) {
      g.drainUntil = Math.min(cap, Math.max(g.drainUntil, g.lastChange + this.opts.rotateGraceMs))
    }
    if (now < g.drainUntil || !g.atEof) return
    const rest = g.splitter.flush()
    if (rest) this.emitLines(g, [{ ...rest, partial: true }], rest.offset, true)
    this.draining = this.draining.filter((d) => d !== g)
    this.watches.unwatchFile(g)
    await g.close()
  }

  /** Does the path still name the file we hold? Handles rotation, deletion and appearance. */
  private async checkName(): Promise<void> {
    let st
    try {
      st = await stat(this.path, { bigint: true })
    } catch (err) {
      const code = errorCode(err)
      if (code === 'ENOENT' || code === 'ENOTDIR') this.retire('missing')
      else this.fail(err)
      return
    }
    if (!st.isFile()) {
      this.retire('error')
      this.fail(Object.assign(new Error(`not a regular file: ${this.path}`), { code: 'ENOTREG' }))
      return
    }
    const cur = this.cur
    if (cur && st.dev === cur.dev && st.ino === cur.ino) {
      this.clearError()
      return
    }
    const wasMissing = cur === null
    // nlink now, not at the last read: 0 means the name was pointed at a new file over ours.
    if (cur) cur.note(await cur.fh.stat({ bigint: true }))
    const reason = cur && cur.nlink === 0 ? 'replaced' : 'renamed'
    if (cur) this.retire(null)
    if (!(await this.openCurrent(0))) return
    this.pending |= Wake.MODIFY // read the new file in the next pass, after draining the old one
    if (wasMissing) this.emit({ type: 'appeared', path: this.path, cursor: this.position().cursor })
    else this.emit({ type: 'rotated', reason, cursor: this.position().cursor })
  }

  /**
   * Opens the path as the current generation at `at` ('end' = start of the last, unterminated
   * line, so it is delivered once complete). Returns false if it is not (yet) a regular file.
   */
  private async openCurrent(at: number | 'end' | 'start'): Promise<boolean> {
    // O_NONBLOCK: opening a FIFO put in the log's place must not hang the follower.
    const fh = await this.opts.io.open(this.path, constants.O_RDONLY | constants.O_NONBLOCK)
    try {
      const st = await fh.stat({ bigint: true })
      if (!st.isFile()) {
        await fh.close()
        this.retire('error')
        this.fail(Object.assign(new Error(`not a regular file: ${this.path}`), { code: 'ENOTREG' }))
        return false
      }
      let offset = at === 'start' ? 0 : at === 'end' ? Number(st.size) : at
      if (at === 'end' && offset > 0) {
        const tail = await readBackward(
          fh,
          offset,
          0,
          this.opts.maxLineBytes,
          64 * 1024,
          this.native
        )
        if (!tail.hitLimit) offset = tail.start
      }
      const g = new Generation(++this.genCounter, fh, st, offset, this.opts, this.opts.io.readSync)
      await g.loadMarker()
      const fp = await g.fingerprintAt(offset)
      if (fp !== null) g.fp = fp
      this.cur = g
      this.watches.watchFile(g)
      this._state = 'following'
      this.clearError()
      return true
    } catch (err) {
      await fh.close().catch(() => undefined)
      throw err
    }
  }

  /** The path no longer names our file: keep reading the old one for a while, then let it go. */
  private retire(next: 'missing' | 'error' | null): void {
    const g = this.cur
    if (g) {
      this.cur = null
      g.drainStarted = Date.now()
      g.drainUntil = g.drainStarted + this.opts.rotateGraceMs
      this.draining.push(g)
    }
    if (next === 'missing' && this._state !== 'missing') this.setMissing()
    if (next === 'error') this._state = 'error'
  }

  private setMissing(): void {
    this._state = 'missing'
    this.emit({ type: 'missing', path: this.path })
  }

  private fail(err: unknown): void {
    const ev = toErrorEvent(err, this.path)
    if (ev.code === 'ENOENT') {
      if (this._state !== 'missing') this.setMissing()
      return
    }
    if (ev.code === this.lastError) return // said once; keep retrying quietly
    this.lastError = ev.code
    this.emit(ev)
  }

  private clearError(): void {
    this.lastError = null
  }

  private emit(ev: FollowEvent): void {
    for (const fn of this.listeners) {
      let r: void | PromiseLike<unknown>
      try {
        r = fn(ev)
      } catch (err) {
        if (ev.type !== 'error') this.emit(toErrorEvent(err, this.path, 'ELISTENER'))
        continue
      }
      if (r && typeof r.then === 'function') {
        this.inFlight++
        const settle = (): void => {
          this.inFlight--
          this.kick(Wake.MODIFY)
        }
        r.then(settle, settle)
      }
    }
  }
}
