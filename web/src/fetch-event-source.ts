/**
 * @module The part of EventSource the connection uses, over fetch() and a stream reader, so
 * reading can wait: the next chunk is read only when `gate` says the consumer has room. A page
 * that cannot keep up then stops reading, TCP pushes back, and the server (asked with `skip`)
 * skips ahead instead of us parsing lines only to drop them. EventSource reads as fast as the
 * network gives, whatever the page does with it.
 */

export interface EventSourceLike {
  onopen: ((ev: Event) => void) | null
  addEventListener(type: string, fn: (ev: Event) => void): void
  close(): void
}

export class FetchEventSource implements EventSourceLike {
  onopen: ((ev: Event) => void) | null = null
  private readonly listeners = new Map<string, ((ev: Event) => void)[]>()
  private readonly abort = new AbortController()
  private lastId = ''
  private closed = false

  constructor(
    url: string,
    private readonly gate: () => Promise<void> | void
  ) {
    void this.run(url)
  }

  addEventListener(type: string, fn: (ev: Event) => void): void {
    const list = this.listeners.get(type) ?? []
    list.push(fn)
    this.listeners.set(type, list)
  }

  close(): void {
    this.closed = true
    this.abort.abort()
  }

  private emit(type: string, ev: Event): void {
    for (const fn of this.listeners.get(type) ?? []) if (!this.closed) fn(ev)
  }

  private async run(url: string): Promise<void> {
    try {
      const res = await fetch(url, {
        headers: { accept: 'text/event-stream' },
        signal: this.abort.signal,
      })
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`)
      if (this.closed) return
      this.onopen?.(new Event('open'))
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
      let buf = ''
      for (;;) {
        await this.gate()
        if (this.closed) return
        const { value, done } = await reader.read()
        if (done || this.closed) break
        // Look for the end of an event only in what is new (and the newline before it).
        let from = Math.max(0, buf.length - 1)
        buf += value
        let start = 0
        for (let end = buf.indexOf('\n\n', from); end >= 0; end = buf.indexOf('\n\n', from)) {
          this.dispatch(buf.slice(start, end))
          start = end + 2
          from = start
        }
        if (start) buf = buf.slice(start)
      }
    } catch {
      // An aborted read after close(), or the network: both end in `error` unless closed.
    }
    if (!this.closed) this.emit('error', new Event('error'))
  }

  /** One event block: `event:`, `data:` and `id:` fields; comments and `retry:` are ignored. */
  private dispatch(block: string): void {
    let type = 'message'
    let data: string | undefined
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      let value = colon < 0 ? '' : line.slice(colon + 1)
      if (value.startsWith(' ')) value = value.slice(1)
      if (field === 'event') type = value
      else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`
      else if (field === 'id' && !value.includes('\0')) this.lastId = value
    }
    if (data === undefined) return
    this.emit(type, new MessageEvent(type, { data, lastEventId: this.lastId }))
  }
}
