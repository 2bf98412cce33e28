/**
 * @module Skip-ahead for a client that asked for it (`/events?skip=BYTES`): instead of being
 * dropped when it falls behind, it is sent one `skipped` event and continues near the head.
 *
 * Its lag is what the reader has not read yet plus what was flushed since its last frame plus
 * its socket's unsent bytes. Past the threshold it stops being written (and stops pacing the
 * reader, which then races ahead); once its socket drained and the reader is near the head, or
 * skipSettleMs passed, it gets `skipped {from, to, bytes}` and the newest frames after `to`.
 * Nothing is lost: from..to stays readable through /api/lines. A rotate or truncate marker ends
 * the range (from..to must lie in one file): the client is sent a `skipped` for the old file and
 * the marker, and the skip goes on in the new file.
 */
import type { Position } from '../core/log-source.js'
import type { Frame } from './frame-ring.js'
import type { SseSink } from './sink.js'
import { encodeEvent, texts } from './sse-frame.js'
import type { Flush, StreamHub } from './stream-hub.js'

export interface SkipClient {
  readonly sink: SseSink
  readonly closed: boolean
  readonly at: string
  send(bytes: Uint8Array, lines: number, id?: string, at?: string): void
}

export class SkipAhead {
  skipping = false
  #from = ''
  /** Ring sequence number of the first frame skipped in the current file. */
  #segSeq = 0
  /** Line bytes skipped in the current file so far. */
  #segBytes = 0
  #since = 0
  #timer: ReturnType<typeof setTimeout> | null = null

  constructor(
    readonly client: SkipClient,
    readonly hub: StreamHub,
    readonly bytes: number
  ) {}

  /** Takes a flush for a live client; true when the client skips it. */
  onFlush(f: Flush): boolean {
    if (!this.skipping) {
      const lag = this.hub.unread() + f.lineBytes + this.client.sink.bufferedBytes
      if (lag <= this.bytes || this.client.at === '') return false
      this.#start(f.firstSeq)
    }
    f.frames.forEach((frame, i) => this.#pass(frame, f.firstSeq + i))
    this.check()
    return true
  }

  /**
   * The periodic look (sweep): a client that paces a paused reader gets no flushes, yet falls
   * behind as the file grows; it starts skipping here, which lets the reader go on.
   */
  poll(live: boolean): void {
    if (this.skipping) return this.check()
    if (!live || this.client.at === '') return
    if (this.hub.unread() + this.client.sink.bufferedBytes > this.bytes) {
      this.#start(this.hub.ring.nextSeq)
    }
  }

  /** Resumes the client if its moment has come (called on flush, drain and sweep). */
  check(): void {
    if (!this.skipping || this.client.closed) return
    if (!this.#drained()) return
    const near = this.hub.unread() < this.bytes / 2
    if (!near && this.hub.now() - this.#since < this.hub.opts.skipSettleMs) return
    this.#finish()
  }

  /**
   * A catching-up client further behind than the threshold: skips from `from` to the newest
   * lines before `until` that fit the context budget. Returns the cursor it is now at (null if
   * that history is gone).
   */
  async fromFile(from: string, fromOffset: number, until: Position): Promise<string | null> {
    const cap = Math.min(this.bytes, this.hub.opts.maxQueueBytes, this.hub.opts.maxEventBytes)
    // As many lines as fit the context budget: a line is at least one byte.
    let r = await this.hub.source.tail(Math.ceil(cap / 2) + 1, until, cap / 2)
    if ('stale' in r || this.client.closed) return null
    // The byte cap cut the oldest line: start the context at the next line instead, so `to`
    // is a line boundary and the client never shows the tail of a line as a line.
    if (r.lines.length > 1 && r.lines[0]?.cont) {
      r = await this.hub.source.tail(r.lines.length - 1, until, cap)
      if ('stale' in r || this.client.closed) return null
    }
    const firstOffset = r.lines[0]?.offset ?? until.offset
    this.#from = from
    this.#skipped(r.first, firstOffset - fromOffset)
    const lines = texts(r.lines)
    if (lines.length) {
      this.client.send(encodeEvent('update', { lines }, until.cursor), lines.length, until.cursor)
    }
    return until.cursor
  }

  /** Drained: near empty, also measured against a small threshold. */
  #drained(): boolean {
    const low = Math.min(this.hub.opts.lowWaterBytes, this.bytes / 4)
    return this.client.sink.bufferedBytes < low
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
  }

  #start(seq: number): void {
    this.skipping = true
    this.#from = this.client.at
    this.#segSeq = seq
    this.#segBytes = 0
    this.#since = this.hub.now()
    this.#timer = setTimeout(() => this.check(), this.hub.opts.skipSettleMs)
    ;(this.#timer as { unref?: () => void }).unref?.()
    this.hub.paced(false)
  }

  #pass(frame: Frame, seq: number): void {
    if (frame.previous) {
      // Late lines of a rotated-away file are not in from..to: they go out as they come.
      return this.client.send(frame.bytes, frame.lines, frame.id, this.client.at)
    }
    if (frame.start === undefined) {
      this.#segBytes += frame.lineBytes
      return
    }
    this.#skipped(frame.id, this.#segBytes)
    this.client.send(frame.bytes, 0, frame.id, frame.start)
    this.#from = frame.start
    this.#segSeq = seq + 1
    this.#segBytes = 0
  }

  #finish(): void {
    const ring = this.hub.ring
    const cap = Math.min(this.bytes, this.hub.opts.maxQueueBytes) / 2
    const k = ring.tailStart(this.#segSeq, cap)
    let tail = 0
    for (let i = k; i < ring.nextSeq; i++) {
      const f = ring.at(i) as Frame
      if (!f.previous) tail += f.lineBytes
    }
    if (k > this.#segSeq) this.#skipped((ring.at(k - 1) as Frame).id, this.#segBytes - tail)
    this.skipping = false
    this.close()
    const rest = ring.from(k, Infinity, (f) => !f.previous)
    if (rest && rest.byteLength > 0) this.client.send(rest, 0, this.hub.headId, this.hub.headAt)
    this.hub.paced(this.client.sink.bufferedBytes < this.hub.opts.lowWaterBytes)
  }

  #skipped(to: string, bytes: number): void {
    if (bytes <= 0 || to === this.#from) return
    this.hub.metrics.skipped++
    this.hub.metrics.skippedBytes += bytes
    this.client.send(encodeEvent('skipped', { from: this.#from, to, bytes }, to), 0, to)
  }
}
