/**
 * @module The writes of one fan-out slice, made at once: every send(2) of the slice in one call
 * to the addon, which splits them over a few threads (native/SendPool.cc).
 *
 * Why: at 10,000 clients the kernel's part of the sends is most of a round, and on one thread
 * the other cores sit idle while the last clients wait. The fan-out opens the batch around a
 * slice (fan-out.ts); a send(2) sink whose socket could take bytes now defers them here instead
 * of sending (node-raw-sink.ts), and learns what the kernel took when the batch closes. The call
 * is synchronous, so bytes still reach each socket in the order they were written, before
 * anything else the event loop does with it.
 */
import type { WriteBatch } from './fan-out.js'

/** The addon's sendMany. */
export type SendMany = (
  fds: Int32Array,
  count: number,
  bytes: Uint8Array,
  results: Int32Array
) => void

/** A sink's deferred write: its socket's descriptor now, and what to do with the result. */
export interface Deferred {
  /** -1 once the socket is gone (send(2) then says EBADF, which settle handles). */
  readonly fd: number
  /** Bytes written (all, some, 0 for a full buffer) or -errno. */
  settle(result: number): void
}

export class SendBatch implements WriteBatch {
  #depth = 0
  /** Deferred writes by the frame they send: one addon call per distinct frame. */
  #groups = new Map<Uint8Array, Deferred[]>()
  #fds = new Int32Array(512)
  #results = new Int32Array(512)

  constructor(private readonly sendMany: SendMany) {}

  /** Whether writes are being collected (a slice is being written). */
  get collecting(): boolean {
    return this.#depth > 0
  }

  open(): void {
    this.#depth++
  }

  close(): void {
    if (this.#depth > 0 && --this.#depth === 0) this.flush()
  }

  add(frame: Uint8Array, d: Deferred): void {
    const group = this.#groups.get(frame)
    if (group) group.push(d)
    else this.#groups.set(frame, [d])
  }

  /** Makes every deferred write now (a sink with one deferred calls this before its next). */
  flush(): void {
    if (this.#groups.size === 0) return
    const groups = this.#groups
    this.#groups = new Map()
    for (const [frame, ds] of groups) {
      if (ds.length > this.#fds.length) {
        this.#fds = new Int32Array(ds.length * 2)
        this.#results = new Int32Array(ds.length * 2)
      }
      const fds = this.#fds
      const results = this.#results
      for (let i = 0; i < ds.length; i++) fds[i] = (ds[i] as Deferred).fd
      this.sendMany(fds, ds.length, frame, results)
      // settle() hands what the kernel did not take to socket.write, which queues it.
      for (let i = 0; i < ds.length; i++) (ds[i] as Deferred).settle(results[i] as number)
    }
  }
}
