/**
 * @module The SSE sink of a plain HTTP/1.1 response on Node with the native addon: each chunk
 * goes to the socket's descriptor in one send(2), framed once per payload for every client.
 *
 * Why: a flush writes the same event to every client, and through ServerResponse each write
 * costs a cork, a nextTick, a chunk header and a writev on top of the system call; at 10,000
 * clients this halved the fan-out's p99 (docs/benchmarks.md). The stream's queue is still the
 * only one: a send is made only while the socket's own queue (Node's and libuv's) is empty, so
 * bytes never overtake each other, and whatever the kernel does not take goes through
 * socket.write(), which queues it, reports errors and emits 'drain' as before.
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { SseSink } from './sink.js'

/** The addon's send(2): bytes written, 0 when the socket buffer is full, -errno on error. */
export type SocketWrite = (fd: number, bytes: Uint8Array) => number

interface StreamHandle {
  fd?: number
  writeQueueSize?: number
}

const CRLF = Buffer.from('\r\n')
let lastPayload: Uint8Array | undefined
let lastFrame: Buffer = Buffer.alloc(0)

/** `bytes` as one HTTP/1.1 chunk; the broadcaster hands every client the same payload object. */
function chunk(bytes: Uint8Array): Buffer {
  if (bytes !== lastPayload) {
    lastFrame = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF])
    lastPayload = bytes
  }
  return lastFrame
}

/**
 * A sink writing to `res`'s descriptor, or undefined when that is not safe: TLS (the descriptor
 * carries ciphertext), no chunked framing (HTTP/1.0), or a socket still busy with an earlier
 * response of the connection. Ending and closing are `stream`'s, the sink over `res` itself.
 */
export function rawSink(
  res: ServerResponse,
  send: SocketWrite,
  stream: SseSink
): SseSink | undefined {
  const socket = res.socket as (Socket & { encrypted?: boolean; _handle?: StreamHandle }) | null
  const fd = socket?._handle?.fd
  const mine = (socket as { _httpMessage?: unknown } | null)?._httpMessage === res
  if (
    !socket ||
    socket.encrypted ||
    !mine ||
    !res.chunkedEncoding ||
    !(fd !== undefined && fd >= 0)
  )
    return undefined
  const done = () => res.destroyed || res.writableEnded || socket.destroyed
  return {
    write(bytes) {
      if (done()) return false
      if (bytes.byteLength === 0) return socket.writableLength === 0
      const frame = chunk(bytes)
      const handle = socket._handle
      // The descriptor is read again each time: a closed handle says -1, and a number kept
      // from before could by now belong to another connection.
      const now = handle?.fd ?? -1
      if (now >= 0 && handle?.writeQueueSize === 0 && socket.writableLength === 0) {
        const n = send(now, frame)
        if (n === frame.byteLength) return true
        // A short send leaves the rest to the stream; an error (n < 0) is the stream's to
        // report: its own write of the frame fails the same way and closes the response.
        if (n > 0) return socket.write(frame.subarray(n))
      }
      return socket.write(frame)
    },
    get bufferedBytes() {
      return socket.writableLength + res.writableLength
    },
    close: () => stream.close(),
    destroy: () => stream.destroy(),
    // Bytes that did not fit queue on the socket, not on the response: its 'drain' is the one.
    onDrain: (l) => {
      socket.on('drain', l)
    },
    onClose: (l) => stream.onClose(l),
  }
}
