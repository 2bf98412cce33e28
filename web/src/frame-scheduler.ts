/**
 * Coalesces every "something changed" into at most one callback per animation frame, after
 * xterm.js's RenderDebouncer: at 10,000 lines/s hundreds of events arrive per frame, and only the
 * last state matters to the screen.
 */
export class FrameScheduler {
  private handle: number | undefined

  constructor(private readonly run: () => void) {}

  schedule(): void {
    if (this.handle !== undefined) return
    this.handle = requestAnimationFrame(() => {
      // Cleared before running: the callback may schedule the next frame itself.
      this.handle = undefined
      this.run()
    })
  }

  dispose(): void {
    if (this.handle !== undefined) cancelAnimationFrame(this.handle)
    this.handle = undefined
  }
}
