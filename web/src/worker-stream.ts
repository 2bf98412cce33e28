/**
 * @module The page's side of the stream worker: the same surface and handlers as Connection, so
 * the app cannot tell where the stream is parsed. It grants the worker credit for whole events
 * only while the page's own queue has room (`backlog`), so a burst costs the main thread what it
 * can apply, not what the server sends.
 */
import type { ConnHandlers, Stream } from './connection.js'
import type { FromWorker, ToWorker } from './stream-messages.js'
import type { EarlyStream } from './worker-early.js'

/** Lines the page lets be received and not yet applied, counting what is on its way. */
export const WINDOW = 20_000

// Generations grow across every stream of the page: one worker serves them all in turn.
let generations = 0

export interface WorkerStreamOptions {
  base: string
  token: string | null
  file?: string
  initLines?: number
  cap: number
  /** Lines received by the page and not yet applied. */
  backlog: () => number
  /** The same stream in the page, for when the worker cannot run (a failed load, a policy). */
  inPage: () => Stream
  /** This stream, already asked of the worker by openEarly: adopted, not asked again. */
  early?: EarlyStream
}

// A worker that failed once is not asked again by the streams that follow.
const failed = new WeakSet<Worker>()

export class WorkerStream implements Stream {
  private gen = ++generations
  private granted = 0
  private heard = false
  private started: { cursor?: string } | undefined
  private fallback: Stream | undefined
  private early: EarlyStream | undefined

  constructor(
    private readonly worker: Worker,
    private readonly h: ConnHandlers,
    private readonly opts: WorkerStreamOptions
  ) {
    // The worker's script never ran (boot.js saw it fail before anything was heard).
    if (opts.early?.failed && opts.early.held.length === 0) failed.add(worker)
    if (failed.has(worker)) {
      this.fallback = opts.inPage()
      return
    }
    worker.onmessage = (ev: MessageEvent<FromWorker>) => this.onMessage(ev.data)
    worker.onerror = (ev) => this.onError(ev)
    this.early = opts.early
    if (this.early) {
      // Numbered by the boot script, maybe another bundle: ours continue above them.
      generations = Math.max(generations, this.early.start)
      this.gen = this.early.open
      return
    }
    const { base, token, file, initLines, cap } = opts
    this.post({ cmd: 'open', gen: this.gen, base, token, file, initLines, cap })
  }

  get where(): 'page' | 'worker' {
    return this.fallback ? 'page' : 'worker'
  }

  start(cursor?: string): void {
    if (this.fallback) return this.fallback.start(cursor)
    this.started = { cursor }
    const early = this.early
    this.early = undefined
    if (early && cursor === early.cursor) {
      this.gen = early.start
      this.granted = early.granted
      // What the worker said before this stream existed, in order, after the caller's task.
      const held = early.held.splice(0)
      if (held.length) queueMicrotask(() => held.forEach((m) => this.onMessage(m)))
      return this.topUp()
    }
    this.gen = ++generations
    this.granted = 0
    this.post({ cmd: 'start', gen: this.gen, cursor })
    this.topUp()
  }

  stop(): void {
    if (this.fallback) return this.fallback.stop()
    this.early = undefined
    this.started = undefined
    this.gen = ++generations
    this.granted = 0
    this.post({ cmd: 'stop', gen: this.gen })
  }

  reconnectNow(): void {
    if (this.fallback) return this.fallback.reconnectNow()
    this.post({ cmd: 'reconnect' })
  }

  /** Grants more credit once the page has applied enough of what it was given. */
  topUp(): void {
    if (this.fallback) return
    const want = WINDOW - this.opts.backlog() - this.granted
    if (want < WINDOW / 4) return
    this.granted += want
    this.post({ cmd: 'pull', gen: this.gen, lines: want })
  }

  /** The worker never ran (its script failed to load or run): carry on in the page. */
  private onError(ev: ErrorEvent): void {
    if (this.heard || this.fallback) return
    ev.preventDefault()
    failed.add(this.worker)
    this.fallback = this.opts.inPage()
    if (this.started) this.fallback.start(this.started.cursor)
  }

  private onMessage(m: FromWorker): void {
    if (!this.heard) performance.mark('taillight-heard')
    this.heard = true
    if (m.gen !== this.gen) return
    switch (m.t) {
      case 'status':
        return this.h.status(m.s)
      case 'init':
        performance.mark('taillight-init')
        return this.h.init(m.ev, m.cursor)
      case 'reset':
        return this.h.notice('reset', m.data, undefined)
      case 'items':
        this.granted = Math.max(0, this.granted - m.lines)
        for (const it of m.items) {
          if (it.k === 'lines') this.h.update(it.lines, it.cursor)
          else if (it.k === 'skipped') this.h.skipped(it.range, it.range.to)
          else this.h.notice(it.type, it.data, it.id)
        }
        this.topUp()
    }
  }

  private post(m: ToWorker): void {
    this.worker.postMessage(m)
  }
}
