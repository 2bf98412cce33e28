/**
 * @module Follower: follows one path through appends, rotations, truncations and absences.
 *
 * Every wake-up (native notification, safety tick or poll) runs the same idempotent check of the
 * whole state: late data in rotated-away files, truncation of the current file, new bytes, and
 * whether the path still names the file we hold. Events only say "look again", so a lost, merged
 * or overflowed notification can delay a line by one tick at most, never lose or repeat it.
 * This module is the public face and the wiring: when checks run (WakeLoop), reading (the
 * GenerationReader), what the name means (NameCheck); what the follower is doing lives in its
 * FollowerStateMachine alone, and each part gets what it needs passed in.
 */
import { basename, dirname, resolve } from 'node:path'
import { fingerprint } from '../core/cursor.js'
import type { Position } from '../core/log-source.js'
import type { BackendInfo, FollowEvent, FollowerState } from '../core/types.js'
import { toErrorEvent } from './errors.js'
import { FollowerStateMachine, type Phase } from './follower-state.js'
import type { Generation } from './generation.js'
import { GenerationReader } from './generation-reader.js'
import { followerListeners, type Listener, type Listeners } from './listeners.js'
import { loadNative, type NativeLoadResult } from './native.js'
import { Wake, type NativeBinding } from './native-types.js'
import { NameCheck } from './name-check.js'
import { resolveOptions, type FollowerOptions, type ResolvedOptions } from './options.js'
import { WakeLoop } from './wake-loop.js'
import { Watches } from './watches.js'

export type { FollowerOptions } from './options.js'
export type { Listener } from './listeners.js'
export type { Phase } from './follower-state.js'

const EMPTY_FP = fingerprint(new Uint8Array(0), new Uint8Array(0))

export class Follower {
  readonly path: string
  /** The addon, when loaded: used for notification and for reading backwards. */
  readonly native: NativeBinding | null
  private readonly opts: ResolvedOptions
  private readonly listeners: Listeners
  private readonly machine: FollowerStateMachine
  private readonly watches: Watches
  private readonly loop: WakeLoop
  private readonly reader: GenerationReader
  private readonly names: NameCheck

  constructor(path: string, options: FollowerOptions = {}) {
    this.path = resolve(path)
    const opts = (this.opts = resolveOptions(options))
    const emit = (ev: FollowEvent): void => this.listeners.emit(ev)
    this.listeners = followerListeners(opts.maxInFlight, this.path, () =>
      this.loop.kick(Wake.MODIFY)
    )
    const machine = new FollowerStateMachine(
      this.path,
      opts.rotateGraceMs,
      opts.rotateGraceMaxMs,
      emit
    )
    this.machine = machine
    const loaded: NativeLoadResult =
      opts.native === undefined
        ? loadNative()
        : { binding: opts.native, reason: 'native addon not used (disabled by the caller)' }
    this.native = loaded.binding
    const dir = dirname(this.path)
    const kick = (flags: number): void => this.loop.kick(flags)
    const onBackend = (info: BackendInfo): void => emit({ type: 'backend', ...info })
    this.watches = new Watches(opts, loaded, dir, basename(this.path), kick, onBackend)
    this.loop = new WakeLoop(opts, {
      cycle: (full) => this.cycle(full),
      failed: (err) => machine.report(toErrorEvent(err, this.path)),
      paused: () => this.listeners.full,
      needsPolling: () => this.watches.needsPolling(machine.files()),
      nextDelay: (max) => machine.draining.nextDelay(max),
      stopped: () => machine.closed,
    })
    const dataSeen = (): void => this.loop.dataSeen()
    this.reader = new GenerationReader(opts, machine, this.listeners, this.watches, dataSeen)
    const request = (flags: number): void => this.loop.request(flags)
    this.names = new NameCheck(this.path, opts, this.native, machine, this.watches, emit, request)
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
    this.listeners.emit({ type: 'backend', ...info })
    await this.names.open(this.opts.start)
    this.loop.kick()
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
    await this.loop.stop()
    for (const g of this.machine.draining.clear()) {
      this.watches.unwatchFile(g.file)
      await g.file.close()
    }
    this.watches.close()
    this.listeners.clear()
  }

  private async cycle(full: boolean): Promise<void> {
    for (const g of this.machine.draining.generations()) await this.reader.drain(g, full)
    const cur = this.machine.current
    if (cur) await this.reader.readCurrent(cur, full)
    if (this.machine.closed || !full) return
    this.watches.rearmDir()
    await this.names.check()
  }
}
