/**
 * @module Follower: follows one path through appends, rotations, truncations and absences.
 *
 * Every wake-up (native notification, safety tick or poll) runs the same idempotent check of the
 * whole state: late data in rotated-away files, truncation of the current file, new bytes, and
 * whether the path still names the file we hold. Events only say "look again", so a lost, merged
 * or overflowed notification can delay a line by one tick at most, never lose or repeat it.
 * What the follower is doing lives in one FollowerStateMachine; this module decides, it does not
 * keep state of its own beyond the wake-up loop.
 */
import { constants } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, dirname, resolve } from 'node:path'
import { fingerprint } from '../core/cursor.js'
import type { Position } from '../core/log-source.js'
import type { BackendInfo, FollowEvent, FollowerState } from '../core/types.js'
import { errorCode, toErrorEvent } from './errors.js'
import { FollowerStateMachine, type Phase } from './follower-state.js'
import { Generation, type Batch } from './generation.js'
import { Listeners, type Listener } from './listeners.js'
import { loadNative, type NativeLoadResult } from './native.js'
import { Wake, type NativeBinding } from './native-types.js'
import { OpenFile } from './open-file.js'
import { readBackward } from './read-backward.js'
import { resolveOptions, type FollowerOptions, type ResolvedOptions } from './options.js'
import { Watches } from './watches.js'

export type { FollowerOptions } from './options.js'
export type { Listener } from './listeners.js'
export type { Phase } from './follower-state.js'

const EMPTY_FP = fingerprint(new Uint8Array(0), new Uint8Array(0))
/** Any bit but MODIFY asks for the full check (identity of the name, metadata, head). */
const FULL_CHECK = Wake.ATTRIB
const MISSING: Phase = { kind: 'missing' }

/** How a read of one generation ended. */
type ReadEnd = 'eof' | 'paused' | 'finished' | 'closed'

export class Follower {
  readonly path: string
  /** The addon, when loaded: used for notification and for reading backwards. */
  readonly native: NativeBinding | null
  private readonly opts: ResolvedOptions
  private readonly listeners: Listeners
  private readonly watches: Watches
  private readonly machine: FollowerStateMachine
  private readonly readBuf: Buffer
  /** The wake-up loop: the check in progress, bits not yet handled, the next timer. */
  private running: Promise<void> | null = null
  private pending = 0
  private timer: NodeJS.Timeout | null = null
  private pollDelay: number
  private sawData = false

  constructor(path: string, options: FollowerOptions = {}) {
    this.path = resolve(path)
    this.opts = resolveOptions(options)
    this.pollDelay = this.opts.pollMinMs
    this.readBuf = Buffer.allocUnsafe(this.opts.maxBatchBytes)
    this.listeners = new Listeners(this.opts.maxInFlight, this.path, () => this.kick(Wake.MODIFY))
    this.machine = new FollowerStateMachine(
      this.path,
      this.opts.rotateGraceMs,
      this.opts.rotateGraceMaxMs,
      (ev) => this.emit(ev)
    )
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
    return this.machine.kind
  }

  /** The state with what it refers to: the current generation, or the error's code. */
  get phase(): Phase {
    return this.machine.phase
  }

  get backend(): BackendInfo {
    return this.watches.info
  }

  /** Size of the current file at the last check (0 when missing). */
  get size(): number {
    return this.machine.current?.size ?? 0
  }

  /** Subscribes; a listener returning a promise holds back reading until it settles. */
  on(listener: Listener): () => void {
    return this.listeners.add(listener)
  }

  /** Opens the file (or starts waiting for it) and starts following. New lines only. */
  async start(): Promise<void> {
    const info = await this.watches.init(this.path)
    this.emit({ type: 'backend', ...info })
    await this.openPath(this.opts.start)
    this.kick()
  }

  position(): Position {
    const g = this.machine.current
    if (!g) return { gen: 0, offset: 0, cursor: `0-${EMPTY_FP}` }
    return { gen: g.gen, offset: g.offset, cursor: g.cursor }
  }

  /** The open generation with that number (current or draining), if any. */
  generation(gen: number): Generation | null {
    return this.machine.generation(gen)
  }

  /** The current generation, if the path is followed right now. */
  current(): Generation | null {
    return this.machine.current
  }

  async close(): Promise<void> {
    if (!this.machine.transition({ kind: 'closed' })) return
    if (this.timer) clearTimeout(this.timer)
    await this.running
    for (const g of this.machine.draining.clear()) {
      this.watches.unwatchFile(g.file)
      await g.file.close()
    }
    this.watches.close()
    this.listeners.clear()
  }

  /**
   * Runs a check now, or right after the one in progress. `flags` are the wake-up bits: a bare
   * MODIFY only needs a read; anything else (names, metadata, ticks) gets the full check.
   */
  private kick(flags: number = FULL_CHECK): void {
    if (this.machine.closed) return
    this.pending |= flags
    if (this.running) return
    this.running = this.run().finally(() => {
      this.running = null
      // While the consumer holds every batch, its settling kicks us; ticks keep checking names.
      if (this.pending && !this.listeners.full) this.kick(0)
      else this.schedule()
    })
  }

  private async run(): Promise<void> {
    this.sawData = false
    while (this.pending && !this.machine.closed) {
      const paused = this.listeners.full
      const flags = this.pending
      const full = (flags & ~Wake.MODIFY) !== 0 || this.watches.needsPolling(this.machine.files())
      // A paused consumer stops reading, not watching: names are still checked, so rotations
      // that happen meanwhile are seen while each generation is still there to be read.
      if (paused && !full) break
      this.pending = 0
      try {
        await this.cycle(full)
      } catch (err) {
        this.machine.report(toErrorEvent(err, this.path))
      }
      if (paused) break
    }
    this.pollDelay = this.sawData
      ? this.opts.pollMinMs
      : Math.min(this.opts.pollMaxMs, this.pollDelay * 2)
  }

  private schedule(): void {
    if (this.machine.closed) return
    if (this.timer) clearTimeout(this.timer)
    const delay = this.watches.needsPolling(this.machine.files())
      ? this.pollDelay
      : this.opts.safetyTickMs
    this.timer = setTimeout((flags) => this.kick(flags), this.machine.draining.nextDelay(delay))
  }

  private async cycle(full: boolean): Promise<void> {
    for (const g of this.machine.draining.generations()) await this.drain(g, full)
    const cur = this.machine.current
    if (cur) await this.readCurrent(cur, full)
    if (this.machine.closed || !full) return
    this.watches.rearmDir()
    await this.checkName()
  }

  /** Reads everything new in the current file (the read itself detects truncation). */
  private async readCurrent(g: Generation, full: boolean): Promise<void> {
    if (full) {
      await g.file.refresh()
      // Rewritten from the start with the same bytes before our offset: only the head tells.
      if (await g.headChanged()) {
        const next = await this.truncated(g, 'marker')
        if (!next) return
        g = next
      }
    }
    await this.readTo(g, false)
  }

  /** Reads `g` until the end of the file, the consumer's credit runs out, or `g` ends. */
  private async readTo(g: Generation, previous: boolean): Promise<ReadEnd> {
    while (!this.machine.closed) {
      if (this.listeners.full) return 'paused' // resumed when a consumer settles
      const r = await g.readBatch(
        this.opts.maxBatchBytes,
        this.readBuf,
        this.watches.syncReads(g.file)
      )
      if ('truncated' in r) {
        // A rotated-away file that gets truncated (copied and emptied by a second rotation)
        // is simply finished.
        if (previous) {
          this.flush(g, true)
          return 'finished'
        }
        const next = await this.truncated(g, r.truncated)
        if (!next) return 'closed'
        g = next
        continue
      }
      if (r.bytes > 0) this.sawData = true
      if (r.lines.length > 0) this.emitLines(g, r, previous)
      if (r.eof) return 'eof'
    }
    return 'closed'
  }

  private emitLines(g: Generation, b: Batch, previous: boolean): void {
    const ev: FollowEvent = {
      type: 'lines',
      lines: b.lines,
      start: b.start,
      end: b.end,
      cursor: g.cursor,
    }
    if (previous) ev.previous = true
    this.emit(ev)
  }

  /** Hands out the held unterminated line of a generation that gets no more bytes. */
  private flush(g: Generation, previous: boolean): void {
    const rest = g.flushPartial()
    if (rest) this.emitLines(g, rest, previous)
  }

  /**
   * The file got shorter than what we read, or the bytes before our offset changed: deliver the
   * held partial line, and start over at 0 as a new generation over the same open file.
   */
  private async truncated(g: Generation, reason: 'size' | 'marker'): Promise<Generation | null> {
    const oldOffset = g.consumed
    this.flush(g, false)
    await g.file.refresh()
    const next = await Generation.open(this.machine.nextGen(), g.file, 0, this.opts, true)
    if (!this.machine.transition({ kind: 'following', current: next })) return null
    this.emit({ type: 'truncated', reason, oldOffset, size: g.file.size, cursor: next.cursor })
    return next
  }

  /** Late lines in a rotated-away file; closes it once it has been quiet past its grace time. */
  private async drain(g: Generation, full: boolean): Promise<void> {
    if (full) await g.file.refresh()
    const end = await this.readTo(g, true)
    if (end !== 'finished') {
      if (!this.machine.draining.expired(g, end === 'eof')) return
      this.flush(g, true)
    }
    this.machine.draining.remove(g)
    this.watches.unwatchFile(g.file)
    await g.file.close()
  }

  /** Does the path still name the file we hold? Handles rotation, deletion and appearance. */
  private async checkName(): Promise<void> {
    let st
    try {
      st = await stat(this.path, { bigint: true })
    } catch (err) {
      const code = errorCode(err)
      if (code === 'ENOENT' || code === 'ENOTDIR') this.machine.transition(MISSING)
      else this.machine.report(toErrorEvent(err, this.path))
      return
    }
    if (!st.isFile()) return this.pathFailed(notRegular(this.path))
    const cur = this.machine.current
    if (cur && st.dev === cur.file.dev && st.ino === cur.file.ino) {
      this.machine.recovered()
      return
    }
    // nlink now, not at the last read: 0 means the name was pointed at a new file over ours.
    if (cur) await cur.file.refresh()
    const reason = cur && cur.file.nlink === 0 ? 'replaced' : 'renamed'
    const prev = await this.openPath(0)
    if (!prev) return
    this.pending |= Wake.MODIFY // read the new file in the next pass, after draining the old one
    const cursor = this.position().cursor
    if (prev.kind === 'following') this.emit({ type: 'rotated', reason, cursor })
    else this.emit({ type: 'appeared', path: this.path, cursor })
  }

  /**
   * Follows the file the path names now, from `at` ('end' = start of the last, unterminated
   * line, so it is delivered once complete). Returns the phase it left, or null when the path
   * could not be followed (the phase then says why).
   */
  private async openPath(at: number | 'end' | 'start'): Promise<Phase | null> {
    let g: Generation
    try {
      // O_NONBLOCK: opening a FIFO put in the log's place must not hang the follower.
      const fh = await this.opts.io.open(this.path, constants.O_RDONLY | constants.O_NONBLOCK)
      try {
        const st = await fh.stat({ bigint: true })
        if (!st.isFile()) throw notRegular(this.path)
        let offset = at === 'start' ? 0 : at === 'end' ? Number(st.size) : at
        if (at === 'end' && offset > 0) {
          const { maxLineBytes } = this.opts
          const tail = await readBackward(fh, offset, 0, maxLineBytes, 64 * 1024, this.native)
          if (!tail.hitLimit) offset = tail.start
        }
        const file = new OpenFile(fh, st, this.opts.io.readSync)
        g = await Generation.open(this.machine.nextGen(), file, offset, this.opts)
      } catch (err) {
        await fh.close().catch(() => undefined)
        throw err
      }
    } catch (err) {
      this.pathFailed(err)
      return null
    }
    const prev = this.machine.transition({ kind: 'following', current: g })
    if (!prev) {
      await g.file.close()
      return null
    }
    this.watches.watchFile(g.file)
    this.machine.recovered()
    return prev
  }

  /** The path names nothing we can follow: missing, or an error that says why. */
  private pathFailed(err: unknown): void {
    const ev = toErrorEvent(err, this.path)
    if (ev.code === 'ENOENT' || ev.code === 'ENOTDIR') {
      this.machine.transition(MISSING)
      return
    }
    this.machine.transition({ kind: 'error', code: ev.code, message: ev.message })
    this.machine.report(ev)
  }

  private emit(ev: FollowEvent): void {
    this.listeners.emit(ev)
  }
}

function notRegular(path: string): Error {
  return Object.assign(new Error(`not a regular file: ${path}`), { code: 'ENOTREG', path })
}
