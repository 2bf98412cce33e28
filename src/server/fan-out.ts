/**
 * @module Fan-out in slices: how a flush reaches every client without the last client waiting
 * for the next flush to start.
 *
 * Writing one event to 10,000 sockets takes about 100 ms here. Written in one go, a line that
 * arrives just after a flush began waits for all of it, then for the next one to reach its
 * client: up to two flushes. Written in slices of `sliceClients`, with the event loop let in
 * between (the follower reads, sockets drain), a flush made meanwhile goes to the clients this
 * round has not reached yet, merged with what they were owed, and to the others in the next
 * round: a line waits about one round. Each client knows the flush it was given up to
 * (`ClientStream.given`), so it gets every flush once, in order, however rounds and flushes
 * interleave; clients owed the same flushes share one payload (merged up to one event's budget).
 * The broadcaster lets the reader read on during a round while what rounds owe stays under that
 * budget, so lines written mid-round are read in time to join it. With no more clients than one
 * slice a round is one synchronous loop, as a flush always was.
 */
import type { ClientStream } from './client-stream.js'
import { concat } from './sse-frame.js'
import type { Flush } from './stream-hub.js'

/**
 * Where a runtime can make a slice's writes at once (node-send-batch.ts): writes between open
 * and close may be held until close.
 */
export interface WriteBatch {
  open(): void
  close(): void
}

interface Numbered {
  seq: number
  flush: Flush
}

export class FanOut {
  /** The number of the newest flush. */
  seq = 0
  /** Flushes some client has not been given yet, oldest first. */
  #flushes: Numbered[] = []
  /** What clients given up to a flush are owed now (cleared by each new flush). */
  #owed = new Map<number, Flush[]>()
  #round: ClientStream[] | null = null
  #at = 0
  #t0 = 0

  constructor(
    private readonly clients: () => Iterable<ClientStream>,
    private readonly sliceClients: number,
    /** Flushes are merged into one write up to this many bytes. */
    private readonly mergeBytes: number,
    private readonly schedule: (fn: () => void) => void,
    /** A round ended (t0: when it began), or there was nothing to give (null). */
    private readonly done: (t0: number | null) => void,
    private readonly batch?: WriteBatch
  ) {}

  /** A client that joins now (or hands over) is owed nothing made before. */
  joined(c: ClientStream): void {
    c.given = this.seq
  }

  add(flush: Flush): void {
    this.#flushes.push({ seq: ++this.seq, flush })
    this.#owed.clear()
  }

  /** Payload bytes of the flushes some client has not been given yet (a few flushes at most). */
  get backlog(): number {
    let bytes = 0
    for (const { flush } of this.#flushes) bytes += flush.payload.byteLength
    return bytes
  }

  /** Whether a round is being written (a flush made now joins it). */
  get writing(): boolean {
    return this.#round !== null
  }

  /** Starts a round unless one runs (it takes up what was added meanwhile). */
  run(): void {
    if (this.#round) return
    if (this.#flushes.length === 0) return this.done(null)
    const round = [...this.clients()]
    this.#round = round
    this.#at = 0
    this.#t0 = performance.now()
    this.#slice(round)
  }

  /** Gives every client all it is owed, now (before a last event, or on close). */
  finish(): void {
    this.#round = null
    this.#batched(() => {
      for (const c of this.clients()) this.#give(c)
    })
    this.#trim()
  }

  #slice(round: ClientStream[]): void {
    if (this.#round !== round) return // finished early
    const end = Math.min(round.length, this.#at + this.sliceClients)
    this.#batched(() => {
      for (let i = this.#at; i < end; i++) this.#give(round[i] as ClientStream)
    })
    this.#at = end
    if (end < round.length) return this.schedule(() => this.#slice(round))
    this.#round = null
    this.#trim()
    this.done(this.#t0)
    // Clients this round reached before its last flush was made are owed that flush.
    if (this.#flushes.length > 0) this.schedule(() => this.run())
  }

  /** Runs `give` with the writes it makes held for one batch, where the runtime has one. */
  #batched(give: () => void): void {
    this.batch?.open()
    try {
      give()
    } finally {
      this.batch?.close()
    }
  }

  #give(c: ClientStream): void {
    if (c.closed || c.given >= this.seq) return
    const owed = this.#owedSince(c.given)
    c.given = this.seq
    for (const f of owed) c.deliver(f)
  }

  /**
   * The flushes after `given`, consecutive ones merged into one write (frames adjacent in the
   * ring, up to mergeBytes).
   */
  #owedSince(given: number): Flush[] {
    const cached = this.#owed.get(given)
    if (cached) return cached
    const out: Flush[] = []
    for (const { seq, flush } of this.#flushes) {
      if (seq <= given) continue
      const last = out[out.length - 1]
      const fits = last && last.payload.byteLength + flush.payload.byteLength <= this.mergeBytes
      if (last && fits && last.firstSeq + last.frames.length === flush.firstSeq) {
        out[out.length - 1] = merge(last, flush)
      } else out.push(flush)
    }
    this.#owed.set(given, out)
    return out
  }

  /** Forgets the flushes every client has. */
  #trim(): void {
    let min = this.seq
    for (const c of this.clients()) if (!c.closed && c.given < min) min = c.given
    let k = 0
    while (k < this.#flushes.length && (this.#flushes[k] as Numbered).seq <= min) k++
    if (k > 0) {
      this.#flushes.splice(0, k)
      this.#owed.clear()
    }
  }
}

function merge(a: Flush, b: Flush): Flush {
  return {
    payload: concat([a.payload, b.payload]),
    frames: [...a.frames, ...b.frames],
    firstSeq: a.firstSeq,
    lines: a.lines + b.lines,
    lineBytes: a.lineBytes + b.lineBytes,
    headId: b.headId,
    headAt: b.headAt,
  }
}
