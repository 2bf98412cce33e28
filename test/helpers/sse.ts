/**
 * @module Test helpers: an incremental SSE parser (WHATWG rules) and deadline-bounded waits.
 */

export interface SseEvent {
  event: string
  data: string
  /** The id field of this event, if it had one. */
  id?: string
  /** The client's last-event-id after this event (ids persist across events). */
  lastId: string
}

export class SseParser {
  events: SseEvent[] = []
  comments: string[] = []
  retry?: number
  lastId = ''
  #buf = ''
  #event = ''
  #data: string[] = []
  #id: string | undefined
  #decoder = new TextDecoder()

  feed(chunk: Uint8Array | string): SseEvent[] {
    this.#buf += typeof chunk === 'string' ? chunk : this.#decoder.decode(chunk, { stream: true })
    const out: SseEvent[] = []
    for (;;) {
      const nl = this.#buf.indexOf('\n')
      if (nl < 0) break
      const line = this.#buf.slice(0, nl).replace(/\r$/, '')
      this.#buf = this.#buf.slice(nl + 1)
      if (line === '') {
        if (this.#id !== undefined) this.lastId = this.#id
        if (this.#data.length) {
          const e: SseEvent = {
            event: this.#event || 'message',
            data: this.#data.join('\n'),
            lastId: this.lastId,
          }
          if (this.#id !== undefined) e.id = this.#id
          out.push(e)
        }
        this.#event = ''
        this.#data = []
        this.#id = undefined
        continue
      }
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim())
        continue
      }
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') this.#event = value
      else if (field === 'data') this.#data.push(value)
      else if (field === 'id' && !value.includes('\0')) this.#id = value
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value)
    }
    this.events.push(...out)
    return out
  }
}

/** Rejects after ms: every wait in the tests is bounded, so a hang fails fast and cleans up. */
export function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** Polls until cond() is true, or fails after ms. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** Reads an SSE Response body (app.request) into a parser; cancel() stops it. */
export function readBody(res: Response) {
  const parser = new SseParser()
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  let done = false
  const pump = (async () => {
    try {
      for (;;) {
        const r = await reader.read()
        if (r.done) break
        parser.feed(r.value)
      }
    } catch {
      // errored by destroy(): the stream is over either way
    }
    done = true
  })()
  return {
    parser,
    get done() {
      return done
    },
    ended: pump,
    /** Waits until at least n events have arrived. */
    async events(n: number, ms = 2000) {
      await until(() => parser.events.length >= n || done, ms, `${n} SSE events`)
      return parser.events
    },
    cancel: () => reader.cancel(),
  }
}

export function lines(e: SseEvent | undefined): string[] {
  if (!e) throw new Error('no event')
  return (JSON.parse(e.data) as { lines: string[] }).lines
}
