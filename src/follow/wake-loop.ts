/**
 * @module When a follower runs its check: on wake-up bits, on timers, after a consumer settles.
 *
 * At most one check runs at a time; bits arriving meanwhile are merged and handled right after
 * it, so a burst of notifications costs one pass, not one each. Between wake-ups a timer runs
 * the full check anyway: the safety tick with native notification, an idle-doubling poll
 * interval without it.
 */
import { Wake } from './native-types.js'
import type { ResolvedOptions } from './options.js'

/** Any bit but MODIFY asks for the full check (identity of the name, metadata, head). */
export const FULL_CHECK = Wake.ATTRIB

export interface WakeLoopHooks {
  /** One pass of the idempotent check; `full` also checks the name, metadata and head. */
  cycle(full: boolean): Promise<void>
  /** A pass that threw: reported, and the next pass retries. */
  failed(err: unknown): void
  /** Consumers hold every unit of credit: read nothing, but keep checking names. */
  paused(): boolean
  /** Something is not covered by a live native watch. */
  needsPolling(): boolean
  /** The next timer's delay, capped by whatever deadline comes sooner (draining files). */
  nextDelay(max: number): number
  stopped(): boolean
}

type Timings = Pick<ResolvedOptions, 'pollMinMs' | 'pollMaxMs' | 'safetyTickMs'>

export class WakeLoop {
  private running: Promise<void> | null = null
  /** Wake-up bits not yet handled. */
  private pending = 0
  private timer: NodeJS.Timeout | null = null
  /** When the armed timer fires (performance.now()). */
  private timerDue = 0
  private pollDelay: number
  private sawData = false

  constructor(
    private readonly opts: Timings,
    private readonly hooks: WakeLoopHooks
  ) {
    this.pollDelay = opts.pollMinMs
  }

  /**
   * Runs a check now, or right after the one in progress. `flags` are the wake-up bits: a bare
   * MODIFY only needs a read; anything else (names, metadata, ticks) gets the full check.
   */
  kick(flags: number = FULL_CHECK): void {
    if (this.hooks.stopped()) return
    this.pending |= flags
    if (this.running) return
    this.running = this.run().finally(() => {
      this.running = null
      // While the consumer holds every batch, its settling kicks us; ticks keep checking names.
      if (this.pending && !this.hooks.paused()) this.kick(0)
      else this.schedule()
    })
  }

  /** Asks for another pass after the current one, with these bits. */
  request(flags: number): void {
    this.pending |= flags
  }

  /** Bytes came in during this pass: poll fast again. */
  dataSeen(): void {
    this.sawData = true
  }

  /** Stops the timer and waits for the check in progress (call once `stopped()` holds). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    await this.running
  }

  private async run(): Promise<void> {
    this.sawData = false
    while (this.pending && !this.hooks.stopped()) {
      const paused = this.hooks.paused()
      const full = (this.pending & ~Wake.MODIFY) !== 0 || this.hooks.needsPolling()
      // A paused consumer stops reading, not watching: names are still checked, so rotations
      // that happen meanwhile are seen while each generation is still there to be read.
      if (paused && !full) break
      this.pending = 0
      try {
        await this.hooks.cycle(full)
      } catch (err) {
        this.hooks.failed(err)
      }
      if (paused) break
    }
    this.pollDelay = this.sawData
      ? this.opts.pollMinMs
      : Math.min(this.opts.pollMaxMs, this.pollDelay * 2)
  }

  /**
   * Arms the timer of the next full check, keeping one already armed for an earlier moment.
   * Re-arming it after every pass would starve it: a consumer that settles a batch every few
   * milliseconds (a burst read at a client's pace) ends a pass each time, and the full check
   * (fstat, name, head) would never come while the burst lasts. The size it reads is what
   * tells a skip-ahead client how far the reader is behind the file.
   */
  private schedule(): void {
    if (this.hooks.stopped()) return
    const max = this.hooks.needsPolling() ? this.pollDelay : this.opts.safetyTickMs
    const delay = this.hooks.nextDelay(max)
    const due = performance.now() + delay
    if (this.timer && this.timerDue <= due) return
    if (this.timer) clearTimeout(this.timer)
    this.timerDue = due
    this.timer = setTimeout(() => {
      this.timer = null
      this.kick()
    }, delay)
  }
}
