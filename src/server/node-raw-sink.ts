/**
 * @module The SSE sink of a plain HTTP/1.1 response on Node with the native addon: each chunk
 * goes to the socket's descriptor in one send(2), framed once per payload for every client.
 *
 * Why: a flush writes the same event to every client, and through ServerResponse each write
 * costs a cork, a nextTick, a chunk header and a writev on top of the system call; at 10,000
 * clients this took about a third off the fan-out's p99 (docs/benchmarks.md). The stream's queue is still the
 * only one: a send is made only while the socket's own queue (Node's and libuv's) is empty, so
 * bytes never overtake each other, and whatever the kernel does not take goes through
 * socket.write(), which queues it, reports errors and emits 'drain' as before.
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { SseSink } from './sink.js'

/** The addon's send(2): bytes written, 0 when the socket buffer is full, -errno on error. */
export type SocketWrite = (fd: number, bytes: Uint8Array) => number

/** The parts of a net.Socket (and its libuv handle) that Node keeps internal. */
type NodeSocket = Socket & {
  encrypted?: boolean
  _httpMessage?: unknown
  _unrefTimer?: () => void
  _handle?: { fd?: number; writeQueueSize?: number } | null
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
 * carries ciphertext), no chunked framing, a socket still busy with an earlier response of the
 * connection, or one no longer writable (the client half-closed: Node then keeps the headers
 * in the response, and a chunk sent now would arrive without them). Ending and closing are
 * `stream`'s, the sink over `res` itself, and so is a write once the socket stops being
 * writable.
 */
export function rawSink(
  res: ServerResponse,
  send: SocketWrite,
  stream: SseSink
): SseSink | undefined {
  const socket = res.socket as NodeSocket | null
  const fd = socket?._handle?.fd
  if (
    !socket ||
    socket.encrypted ||
    socket._httpMessage !== res ||
    !socket.writable ||
    !res.chunkedEncoding ||
    !(fd !== undefined && fd >= 0) ||
    // res.writableLength is what the response holds itself plus the socket's queue
    res.writableLength !== socket.writableLength
  )
    return undefined
  return new RawSink(res, socket, send, stream)
}

/** A class, not closures: 10,000 clients hold 10,000 of them. */
class RawSink implements SseSink {
  constructor(
    private readonly res: ServerResponse,
    private readonly socket: NodeSocket,
    private readonly send: SocketWrite,
    private readonly stream: SseSink
  ) {}

  write(bytes: Uint8Array): boolean {
    const { res, socket } = this
    if (res.destroyed || res.writableEnded || socket.destroyed) return false
    if (!socket.writable) return this.stream.write(bytes)
    if (bytes.byteLength === 0) return !socket.writableNeedDrain
    const frame = chunk(bytes)
    const handle = socket._handle
    // The descriptor is read again each time: a closed handle says -1, and a number kept
    // from before could by now belong to another connection.
    const fd = handle?.fd ?? -1
    if (fd >= 0 && handle?.writeQueueSize === 0 && socket.writableLength === 0) {
      const n = this.send(fd, frame)
      // What socket.write would do too: a socket timeout, if one is ever set, counts this.
      if (n > 0) socket._unrefTimer?.()
      if (n === frame.byteLength) return true
      // A short send leaves the rest to the stream; an error (n < 0) is the stream's to
      // report: its own write of the frame fails the same way and closes the response.
      if (n > 0) return socket.write(frame.subarray(n))
    }
    return socket.write(frame)
  }

  // The response's count already includes the socket's queue, where sends that fell short go.
  get bufferedBytes(): number {
    return this.stream.bufferedBytes
  }

  close(): void {
    this.stream.close()
  }

  destroy(): void {
    this.stream.destroy()
  }

  // Bytes that did not fit queue on the socket, not on the response: its 'drain' is the one.
  // The socket can outlive the response (keep-alive), so the listener goes with the response.
  onDrain(l: () => void): void {
    this.socket.on('drain', l)
    this.res.once('close', () => this.socket.off('drain', l))
  }

  onClose(l: () => void): void {
    this.stream.onClose(l)
  }
}
