/**
 * @module The stream, asked of a fresh stream worker before the viewer exists (by boot.js, or
 * by app.js first thing): the worker reads the init while the page downloads and builds the
 * viewer. What the worker says meanwhile is held, in order, for the WorkerStream made for the
 * same file, which adopts it instead of asking again (worker-stream.ts).
 */
import type { FromWorker, ToWorker } from './stream-messages.js'
import { WINDOW, type WorkerStreamOptions } from './worker-stream.js'

export interface EarlyStream {
  readonly file?: string
  /** The stream resumes after this cursor (the page's seed), not from an init. */
  readonly cursor?: string
  /** Generations of the open and the start: the first asked of this worker. */
  readonly open: number
  readonly start: number
  /** Credit granted with the start: one page window. */
  readonly granted: number
  /** Messages from the worker before the WorkerStream took it: at most one window of lines. */
  readonly held: FromWorker[]
  /** The worker's script failed to load or run. */
  failed: boolean
}

export function openEarly(
  worker: Worker,
  o: Omit<WorkerStreamOptions, 'backlog' | 'inPage' | 'early'>,
  cursor?: string
): EarlyStream {
  const { base, token, file, initLines, cap } = o
  const early: EarlyStream = {
    file,
    cursor,
    open: 1,
    start: 2,
    granted: WINDOW,
    held: [],
    failed: false,
  }
  worker.onmessage = (ev: MessageEvent<FromWorker>) => early.held.push(ev.data)
  worker.onerror = (ev) => {
    ev.preventDefault()
    early.failed = true
  }
  const post = (m: ToWorker) => worker.postMessage(m)
  post({ cmd: 'open', gen: early.open, base, token, file, initLines, cap })
  post({ cmd: 'start', gen: early.start, cursor })
  post({ cmd: 'pull', gen: early.start, lines: WINDOW })
  return early
}
