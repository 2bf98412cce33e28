/**
 * @module The stream worker: the page's connection (same class, same reconnects and resume),
 * run off the main thread, with a queue of whole events bounded by the ring's capacity. The page
 * pulls with credit; what it has no room for by the time more arrives is let go as a skipped
 * range (see ingest.ts), so neither thread's memory grows with a burst.
 */
import type { SkippedEvent } from '../../src/core/protocol.js'
import { Api } from './api.js'
import { Connection } from './connection.js'
import { FetchEventSource } from './fetch-event-source.js'
import { Ingest } from './ingest.js'
import { LineSizeEstimate, skipBytes } from './skip-size.js'
import type { FromWorker, StreamItem, ToWorker } from './stream-messages.js'

/** Lines queued here before reading pauses: about one pull of the page. */
const READ_AHEAD = 20_000

interface WorkerScope {
  postMessage(m: FromWorker): void
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null
}

export function runStreamWorker(scope: WorkerScope): void {
  let conn: Connection | undefined
  let queue: Ingest | undefined
  let gen = 0
  let credit = 0
  let out: StreamItem[] = []
  const size = new LineSizeEstimate()
  // Reading waits while a page's pull window of lines is queued here: past that, TCP pushes
  // back and the server skips ahead, rather than this worker parsing lines only to drop them.
  let waiting: (() => void)[] = []
  const full = () => (queue?.queued ?? 0) >= READ_AHEAD
  const gate = () => (full() ? new Promise<void>((r) => waiting.push(r)) : undefined)
  const release = () => {
    if (full() || waiting.length === 0) return
    const w = waiting
    waiting = []
    for (const r of w) r()
  }

  const flush = () => {
    if (!queue || credit <= 0 || queue.idle) return
    let lines = 0
    out = []
    queue.drain(credit)
    for (const it of out) if (it.k === 'lines') lines += it.lines.length
    credit -= lines
    scope.postMessage({ t: 'items', gen, items: out, lines })
    release()
  }

  const open = (m: Extract<ToWorker, { cmd: 'open' }>) => {
    conn?.stop()
    gen = m.gen
    credit = 0
    const sink = {
      lines: (texts: string[], _s: number, _e: number, cursor: string | undefined) =>
        out.push({ k: 'lines', lines: texts, cursor }),
      skipped: (range: SkippedEvent) => out.push({ k: 'skipped', range }),
      notice: (type: string, data: Record<string, unknown>, id: string | undefined) =>
        out.push({ k: 'notice', type, data, id }),
    }
    const q = new Ingest(sink, m.cap, { budgetMs: Infinity, slice: Infinity, now: () => 0 })
    queue = q
    const cap = m.cap
    conn = new Connection(
      new Api(m.base, m.token),
      m.file,
      {
        init: (ev, cursor) => {
          size.observe(ev.lines)
          q.reset(cursor)
          scope.postMessage({ t: 'init', gen, ev, cursor })
        },
        update: (lines, cursor) => {
          size.observe(lines)
          q.lines(lines, cursor)
          flush()
        },
        skipped: (ev) => {
          q.skipped(ev)
          flush()
        },
        notice: (type, data, id) => {
          if (type === 'reset') scope.postMessage({ t: 'reset', gen, data })
          else {
            q.notice(type, data, id)
            flush()
          }
        },
        status: (s) => scope.postMessage({ t: 'status', gen, s }),
      },
      m.initLines,
      () => skipBytes(cap, size.average),
      (url) => new FetchEventSource(url, gate)
    )
  }

  scope.onmessage = ({ data: m }) => {
    if (m.cmd === 'open') return open(m)
    if (m.cmd === 'reconnect') return conn?.reconnectNow()
    if (m.gen < gen) return
    gen = m.gen
    if (m.cmd === 'start') {
      credit = 0
      queue?.reset(m.cursor)
      release()
      conn?.start(m.cursor)
    } else if (m.cmd === 'stop') {
      credit = 0
      queue?.reset(undefined)
      release()
      conn?.stop()
    } else {
      credit += m.lines
      flush()
    }
  }
}
