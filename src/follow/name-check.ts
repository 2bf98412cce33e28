/**
 * @module What the followed path names now, and what that means for the follower.
 *
 * Runs on every full check: the same file (nothing to do), another file (a rotation, or a file
 * appearing where there was none), nothing (missing) or something we cannot follow (an error
 * with its code). Each outcome is one transition of the state machine.
 */
import { stat } from 'node:fs/promises'
import type { FollowEvent } from '../core/types.js'
import { errorCode, toErrorEvent } from './errors.js'
import type { FollowerStateMachine, Phase } from './follower-state.js'
import type { Generation } from './generation.js'
import { Wake, type NativeBinding } from './native-types.js'
import { notRegular, openGeneration } from './open-generation.js'
import type { ResolvedOptions } from './options.js'
import type { Watches } from './watches.js'

const MISSING: Phase = { kind: 'missing' }

export class NameCheck {
  constructor(
    private readonly path: string,
    private readonly opts: ResolvedOptions,
    private readonly native: NativeBinding | null,
    private readonly machine: FollowerStateMachine,
    private readonly watches: Pick<Watches, 'watchFile' | 'verifyDir'>,
    private readonly emit: (ev: FollowEvent) => void,
    /** Asks the wake-up loop for another pass with these bits. */
    private readonly request: (flags: number) => void
  ) {}

  /** Does the path still name the file we hold? Handles rotation, deletion and appearance. */
  async check(): Promise<void> {
    let st
    try {
      st = await stat(this.path, { bigint: true })
    } catch (err) {
      const code = errorCode(err)
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        this.machine.transition(MISSING)
        // The directory may have gone with the name, unannounced (see Watches.verifyDir).
        await this.watches.verifyDir()
      } else this.machine.report(toErrorEvent(err, this.path))
      return
    }
    if (!st.isFile()) return this.failed(notRegular(this.path))
    const cur = this.machine.current
    if (cur && st.dev === cur.file.dev && st.ino === cur.file.ino) {
      this.machine.recovered()
      return
    }
    // nlink now, not at the last read: 0 means the name was pointed at a new file over ours.
    if (cur) await cur.file.refresh()
    const reason = cur && cur.file.nlink === 0 ? 'replaced' : 'renamed'
    const opened = await this.open(0)
    if (!opened) return
    this.request(Wake.MODIFY) // read the new file in the next pass, after the old one
    const cursor = opened.g.cursor
    if (opened.left.kind === 'following') this.emit({ type: 'rotated', reason, cursor })
    else this.emit({ type: 'appeared', path: this.path, cursor })
  }

  /**
   * Follows the file the path names now, from `at`. Returns its generation and the phase left,
   * or null when the path could not be followed (the phase then says why).
   */
  async open(at: number | 'end' | 'start'): Promise<{ g: Generation; left: Phase } | null> {
    let g: Generation
    try {
      g = await openGeneration(this.path, at, this.machine.nextGen(), this.opts, this.native)
    } catch (err) {
      this.failed(err)
      return null
    }
    const left = this.machine.transition({ kind: 'following', current: g })
    if (!left) {
      await g.file.close()
      return null
    }
    this.watches.watchFile(g.file)
    this.machine.recovered()
    return { g, left }
  }

  /** The path names nothing we can follow: missing, or an error that says why. */
  failed(err: unknown): void {
    const ev = toErrorEvent(err, this.path)
    if (ev.code === 'ENOENT' || ev.code === 'ENOTDIR') {
      this.machine.transition(MISSING)
      return
    }
    this.machine.transition({ kind: 'error', code: ev.code, message: ev.message })
    this.machine.report(ev)
  }
}
