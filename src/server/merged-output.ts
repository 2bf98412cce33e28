/**
 * @module The merged client's socket: writes, whether it is behind, its drain timeout.
 *
 * A file's stream may have written while the client had room and the frame built from it
 * later filled the socket; so when the client falls behind every file is told (`behind`) and
 * hears again on the drain, and a client that does not drain within drainTimeoutMs is dropped,
 * as client-stream.ts drops a single-file one.
 */
import type { SseSink } from './sink.js'
import { HEARTBEAT } from './sse-frame.js'

export interface OutputHooks {
  behind(): void
  drained(): void
  timedOut(): void
}

export class MergedOutput {
  lagging = false
  #lastWrite = 0
  #check: ReturnType<typeof setTimeout> | null = null

  constructor(
    readonly sink: SseSink,
    readonly o: { now(): number; drainTimeoutMs: number; heartbeatMs: number },
    readonly hooks: OutputHooks
  ) {
    sink.onDrain(() => {
      this.lagging = false
      this.#clear()
      hooks.drained()
    })
  }

  write(bytes: Uint8Array): void {
    this.#lastWrite = this.o.now()
    if (this.sink.write(bytes) || this.lagging) return
    this.lagging = true
    this.hooks.behind()
    this.#check = setTimeout(() => {
      this.#check = null
      if (this.lagging) this.hooks.timedOut()
    }, this.o.drainTimeoutMs)
  }

  /** A heartbeat, only when the client heard nothing for a while. */
  idle(): void {
    if (this.o.now() - this.#lastWrite >= this.o.heartbeatMs / 2) this.write(HEARTBEAT)
  }

  close(): void {
    this.#clear()
    this.sink.close()
  }

  #clear(): void {
    if (this.#check) clearTimeout(this.#check)
    this.#check = null
  }
}
