/**
 * @module Where the broadcaster writes: one SseSink per connected client.
 *
 * The broadcaster only sees this interface, so it runs on any runtime. On Node the adapter
 * supplies a sink over the raw ServerResponse (node-serve.ts, the fast path); everywhere else,
 * and in `app.request()` tests, the Web-stream sink below backs a Response body.
 */
export interface SseSink {
  /** Queues bytes; false once the client is behind (its buffer is past the high-water mark). */
  write(bytes: Uint8Array): boolean
  /** Bytes written but not yet taken by the client (user space and socket buffers). */
  readonly bufferedBytes: number
  /** Ends the stream after what is queued. */
  close(): void
  /** Ends the stream now, discarding what is queued. */
  destroy(): void
  /** Called once the queue empties after write() returned false. */
  onDrain(listener: () => void): void
  /**
   * Called when a write that returned true fell behind after all: a sink that defers its
   * writes to a batch (node-send-batch.ts) learns what the socket took only later.
   */
  onBehind?(listener: () => void): void
  /** Called once when the stream ends for any reason (client gone, close, destroy). */
  onClose(listener: () => void): void
}

/** A sink backed by a ReadableStream, for runtimes without a Node ServerResponse. */
export function createStreamSink(highWaterMark = 64 * 1024): {
  sink: SseSink
  body: ReadableStream<Uint8Array>
} {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  let closed = false
  const drains: (() => void)[] = []
  const closes: (() => void)[] = []
  const finish = () => {
    if (closed) return
    closed = true
    for (const l of closes) l()
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c
      },
      pull() {
        for (const l of drains) l()
      },
      cancel() {
        finish()
      },
    },
    { highWaterMark, size: (chunk) => chunk.byteLength }
  )
  const sink: SseSink = {
    write(bytes) {
      if (closed) return false
      controller.enqueue(bytes)
      return (controller.desiredSize ?? 0) > 0
    },
    get bufferedBytes() {
      return closed ? 0 : highWaterMark - (controller.desiredSize ?? 0)
    },
    close() {
      if (closed) return
      controller.close()
      finish()
    },
    destroy() {
      if (closed) return
      controller.error(Object.assign(new Error('stream destroyed'), { code: 'E_DESTROYED' }))
      finish()
    },
    onDrain(l) {
      drains.push(l)
    },
    onClose(l) {
      closes.push(l)
    },
  }
  return { sink, body }
}
