/**
 * @module The streamed form of /api/search (`Accept: text/event-stream` or `stream=1`): SSE
 * frames of the same pages the JSON form streams, so a viewer can show matches as they are
 * found, a progress bar (bytes scanned of total), and cancel by closing the stream.
 *
 * Each `data:` is one JSON text (JSON escapes CR and LF, so a line cannot forge a frame). The
 * frames go out a page at a time as the client pulls, like the JSON form: a client that stops
 * reading holds one page.
 */
import type {
  SearchDoneEvent,
  SearchMatchJson,
  SearchProgressEvent,
  SearchStreamEvents,
} from '../core/protocol.js'
import type { Produce } from './pull-body.js'

function frame<E extends keyof SearchStreamEvents>(event: E, data: SearchStreamEvents[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/** Wants the streamed form: asked for by parameter or by the Accept header. */
export function wantsStream(stream: boolean, accept: string | undefined): boolean {
  return stream || (accept ?? '').toLowerCase().includes('text/event-stream')
}

/** Pieces of the event stream: each page's matches, then progress; `done` after the last. */
export function searchEvents(
  next: () => Promise<readonly SearchMatchJson[] | null>,
  progress: () => SearchProgressEvent,
  done: () => SearchDoneEvent
): Produce {
  let ended = false
  return async () => {
    if (ended) return null
    const page = await next()
    if (page === null) {
      ended = true
      return frame('done', done())
    }
    let out = ''
    for (const m of page) out += frame('match', m)
    return out + frame('progress', progress())
  }
}

export const SSE_HEADERS = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Accel-Buffering': 'no',
}
