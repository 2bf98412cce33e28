/**
 * @module The streamed form of /api/search (`stream=1`): matches as they are found, progress after
 * each region of the file, and a last `done`. Closing the EventSource cancels the search on the
 * server. Errors in the request come before the stream as JSON, which EventSource cannot read:
 * on a failed open the JSON form is asked once for the server's message.
 */
import type {
  SearchDoneEvent,
  SearchMatchJson,
  SearchProgressEvent,
} from '../../src/core/protocol.js'
import { searchParams, type Api, type SearchQuery } from './api.js'

export interface SearchSink {
  match(m: SearchMatchJson): void
  progress(p: SearchProgressEvent): void
  done(d: SearchDoneEvent): void
  failed(message: string): void
}

/** Starts a streamed search; the returned function cancels it. */
export function streamSearch(
  api: Api,
  q: SearchQuery,
  before: string | undefined,
  sink: SearchSink
): () => void {
  const es = new EventSource(api.url('api/search', { ...searchParams(q, before), stream: 1 }))
  let over = false
  const end = () => {
    over = true
    es.close()
  }
  const on = <T>(type: string, fn: (d: T) => void) =>
    es.addEventListener(type, (ev) => {
      if (over) return
      try {
        fn(JSON.parse((ev as MessageEvent<string>).data) as T)
      } catch (e) {
        end()
        sink.failed(`bad ${type} event: ${(e as Error).message}`)
      }
    })
  on<SearchMatchJson>('match', (m) => sink.match(m))
  on<SearchProgressEvent>('progress', (p) => sink.progress(p))
  on<SearchDoneEvent>('done', (d) => {
    end()
    sink.done(d)
  })
  es.onerror = () => {
    if (over) return
    end()
    api.search(q, before).then(
      () => sink.failed('the search stream was interrupted'),
      (e: Error) => sink.failed(e.message)
    )
  }
  return end
}
