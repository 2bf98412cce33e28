/**
 * @module Reads back the SSE bytes a file's stream writes, for the merged view, which consumes
 * the per-file streams as they are (so their flow control, catch-up and skip-ahead are the ones
 * single-file clients get) instead of reimplementing them.
 *
 * A flush's payload is one buffer shared by every client of the file, so its parse is cached by
 * identity: a hundred merged clients parse each flush once. Events arrive whole (the streams
 * write encoded events only); a partial tail is kept for the next write all the same.
 */

export interface ParsedEvent {
  /** The event name; '' for a comment-only block (a heartbeat) or a bare `retry:`. */
  name: string
  data: Record<string, unknown>
  id?: string
}

const cache = new WeakMap<Uint8Array, ParsedEvent[]>()

export class SseReader {
  #decoder = new TextDecoder()
  #rest = ''

  /** The events completed by these bytes, in order. */
  read(bytes: Uint8Array): ParsedEvent[] {
    if (this.#rest === '') {
      const hit = cache.get(bytes)
      if (hit) return hit
    }
    const text = this.#rest + this.#decoder.decode(bytes, { stream: true })
    const end = text.lastIndexOf('\n\n')
    if (end < 0) {
      this.#rest = text
      return []
    }
    const whole = this.#rest === ''
    this.#rest = text.slice(end + 2)
    const events = parseBlocks(text.slice(0, end))
    if (whole && this.#rest === '') cache.set(bytes, events)
    return events
  }
}

export function parseBlocks(text: string): ParsedEvent[] {
  const out: ParsedEvent[] = []
  for (const block of text.split('\n\n')) {
    let name = ''
    let data = ''
    let id: string | undefined
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) name = line.slice(7)
      else if (line.startsWith('data: ')) data = line.slice(6)
      else if (line.startsWith('id: ')) id = line.slice(4)
    }
    out.push({ name, data: data ? toRecord(data) : {}, id })
  }
  return out
}

function toRecord(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text)
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}
