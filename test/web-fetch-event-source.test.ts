/**
 * @module The stream worker's SSE reader without a browser: events split across chunks at any
 * byte, comments and retry lines, multi-line data, ids that carry over, the end of the stream
 * as an error, and a gate that holds the next read until the consumer has room.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { FetchEventSource } from '../web/src/fetch-event-source.js'

function serve(chunks: string[], status = 200): void {
  let pulls = 0
  const body = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      const c = chunks[pulls++]
      if (c === undefined) ctrl.close()
      else ctrl.enqueue(new TextEncoder().encode(c))
    },
  })
  vi.stubGlobal('fetch', async () => new Response(body, { status }))
}

type Seen = { type: string; data?: string; id?: string }

function listen(es: FetchEventSource, types: string[]) {
  const seen: Seen[] = []
  for (const type of types)
    es.addEventListener(type, (ev) => {
      const m = ev as unknown as { data?: string; lastEventId: string }
      seen.push(m.data === undefined ? { type } : { type, data: m.data, id: m.lastEventId })
    })
  const ended = new Promise<void>((r) => es.addEventListener('error', () => r()))
  return { seen, ended }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('FetchEventSource', () => {
  it('parses events split anywhere across chunks, with comments, retry and multi-line data', async () => {
    const text =
      'retry: 1000\n\n: a comment\n\nevent: init\ndata: {"a":1}\nid: c1\n\n' +
      'event: update\ndata: one\ndata: two\nid: c2\n\nevent: rotate\ndata: {}\n\n'
    // Every split point, so a boundary inside "\n\n" or a field name is covered.
    for (let cut = 1; cut < text.length; cut += 7) {
      serve([text.slice(0, cut), text.slice(cut)])
      const es = new FetchEventSource('http://127.0.0.1/events', () => undefined)
      const { seen, ended } = listen(es, ['init', 'update', 'rotate', 'error'])
      await ended
      expect(seen).toEqual([
        { type: 'init', data: '{"a":1}', id: 'c1' },
        { type: 'update', data: 'one\ntwo', id: 'c2' },
        // No id of its own: the last one carries over, as with EventSource.
        { type: 'rotate', data: '{}', id: 'c2' },
        { type: 'error' },
      ])
    }
  })

  it('opens only on a 2xx response; an HTTP error is an error event', async () => {
    serve([], 503)
    const es = new FetchEventSource('http://127.0.0.1/events', () => undefined)
    let opened = false
    es.onopen = () => (opened = true)
    await listen(es, ['error']).ended
    expect(opened).toBe(false)
  })

  it('reads the next chunk only when the gate opens', async () => {
    serve(['event: update\ndata: a\n\n', 'event: update\ndata: b\n\n'])
    let open!: () => void
    let gated = 0
    const es = new FetchEventSource('http://127.0.0.1/events', () => {
      // Closed once, before the second read.
      if (gated++ !== 1) return undefined
      return new Promise<void>((r) => (open = r))
    })
    const { seen, ended } = listen(es, ['update', 'error'])
    await vi.waitFor(() => expect(seen).toHaveLength(1))
    await new Promise((r) => setTimeout(r, 20))
    // The stream below may buffer a chunk; what matters is that it is not read and delivered.
    expect(seen).toHaveLength(1)
    open()
    await ended
    expect(seen.map((e) => e.data)).toEqual(['a', 'b', undefined])
  })

  it('after close() delivers nothing more, not even the end', async () => {
    serve(['event: update\ndata: a\n\n'])
    const es = new FetchEventSource('http://127.0.0.1/events', () => undefined)
    const { seen } = listen(es, ['update', 'error'])
    es.close()
    await new Promise((r) => setTimeout(r, 30))
    expect(seen).toEqual([])
  })
})
