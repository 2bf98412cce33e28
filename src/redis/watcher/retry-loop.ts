/**
 * @module A loop that runs one step at a time, sleeps when idle, backs off when a step fails.
 *
 * The publisher's single loop is what keeps each file's entries in order; this is its engine.
 * Steps never overlap. kick() wakes an idle loop (new work); back-off is not cut short except
 * by stop(), so a burst of events cannot turn a Redis outage into a busy retry.
 */
import { backoff } from '../conn.js'

/** 'idle': nothing to do until kick(); false: failed, back off; true: go on. */
export type StepResult = boolean | 'idle'

export class RetryLoop {
  private attempt = 0
  private stopped = false
  /** kick() since the current step began: work may have arrived after it looked. */
  private kicked = false
  private wakeIdle: (() => void) | null = null
  private wakeStop: () => void = () => undefined
  private readonly stopping = new Promise<void>((r) => (this.wakeStop = r))
  readonly done: Promise<void>

  /** `wait(ms)` sleeps between failed steps; it may end early (say, when Redis is back). */
  constructor(
    step: () => Promise<StepResult>,
    onError: (err: unknown) => void,
    maxBackoffMs: number,
    private readonly wait: (ms: number) => Promise<unknown> = sleep
  ) {
    this.done = (async () => {
      while (!this.stopped) {
        let r: StepResult
        this.kicked = false
        try {
          r = await step()
        } catch (err) {
          onError(err)
          r = false
        }
        if (this.stopped) break
        if (r === 'idle') {
          if (!this.kicked) await new Promise<void>((w) => (this.wakeIdle = w))
        } else if (r) this.attempt = 0
        else await Promise.race([this.wait(backoff(this.attempt++, maxBackoffMs)), this.stopping])
        this.wakeIdle = null
      }
    })()
  }

  kick(): void {
    this.kicked = true
    this.wakeIdle?.()
  }

  stop(): Promise<void> {
    this.stopped = true
    this.wakeIdle?.()
    this.wakeStop()
    return this.done
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
