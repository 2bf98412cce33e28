/**
 * @module The page's one animation-frame scheduler. Every "something changed" (lines to apply,
 * rows to draw, chrome to update) is a task of this loop, so a frame runs each task at most once,
 * in a fixed order: ingest first, then the list, then the chrome. After xterm.js's
 * RenderDebouncer, but shared: two independent schedulers could each take a whole frame.
 */

export interface FrameClock {
  request(cb: (t: number) => void): number
  cancel(handle: number): void
}

export interface FrameTask {
  /** Asks for this task to run in the next frame (once, however often it is asked). */
  schedule(): void
}

interface Slot {
  name: string
  run: () => boolean | void
  pending: boolean
  longest: number
}

// Looked up on globalThis: the unit tests import this module under Node's types, without DOM.
const raf = globalThis as unknown as {
  requestAnimationFrame(cb: (t: number) => void): number
  cancelAnimationFrame(h: number): void
}
const browserClock: FrameClock = {
  request: (cb) => raf.requestAnimationFrame(cb),
  cancel: (h) => raf.cancelAnimationFrame(h),
}

export class FrameLoop {
  /** Frames this loop ran, and the longest time its tasks took in one (read by benchmarks). */
  frames = 0
  longest = 0
  private readonly slots: Slot[] = []
  private handle: number | undefined

  constructor(
    private readonly clock: FrameClock = browserClock,
    private readonly now: () => number = () => performance.now()
  ) {}

  /**
   * Registers a task; tasks run in registration order. A task that returns true has work left
   * and runs again next frame; one that schedules a later task gets it run in the same frame.
   */
  task(name: string, run: () => boolean | void): FrameTask {
    const slot: Slot = { name, run, pending: false, longest: 0 }
    this.slots.push(slot)
    return {
      schedule: () => {
        slot.pending = true
        this.request()
      },
    }
  }

  /** The longest run of each task, by name (ms). */
  longestByTask(): Record<string, number> {
    return Object.fromEntries(this.slots.map((s) => [s.name, s.longest]))
  }

  dispose(): void {
    if (this.handle !== undefined) this.clock.cancel(this.handle)
    this.handle = undefined
  }

  private request(): void {
    if (this.handle === undefined) this.handle = this.clock.request(() => this.frame())
  }

  private frame(): void {
    // Cleared before running: a task may schedule the next frame itself.
    this.handle = undefined
    this.frames++
    const t0 = this.now()
    let t = t0
    for (const slot of this.slots) {
      if (!slot.pending) continue
      slot.pending = false
      if (slot.run() === true) slot.pending = true
      const t1 = this.now()
      slot.longest = Math.max(slot.longest, t1 - t)
      t = t1
    }
    this.longest = Math.max(this.longest, t - t0)
    if (this.slots.some((s) => s.pending)) this.request()
  }
}
