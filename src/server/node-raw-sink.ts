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
import type { Deferred, SendBatch } from './node-send-batch.js'
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
/**
 * Each payload framed once: the broadcaster hands every client the same payload object, and
 * a slice can hold a few (clients owed different flushes). A frame lives as its payload does.
 */
const frames = new WeakMap<Uint8Array, Buffer>()

/** `bytes` as one HTTP/1.1 chunk. */
function chunk(bytes: Uint8Array): Buffer {
  let frame = frames.get(bytes)
  if (!frame) {
    frame = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF])
    frames.set(bytes, frame)
  }
  return frame
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
  stream: SseSink,
  batch?: SendBatch
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
  return new RawSink(res, socket, send, stream, batch)
}

/** A class, not closures: 10,000 clients hold 10,000 of them. */
class RawSink implements SseSink, Deferred {
  /** A frame handed to the batch and not yet sent (at most one: a second write sends it). */
  #deferred: Buffer | null = null
  #behind: (() => void) | null = null

  constructor(
    private readonly res: ServerResponse,
    private readonly socket: NodeSocket,
    private readonly send: SocketWrite,
    private readonly stream: SseSink,
    private readonly batch?: SendBatch
  ) {}

  write(bytes: Uint8Array): boolean {
    const { res, socket } = this
    if (res.destroyed || res.writableEnded || socket.destroyed) return false
    // Bytes go out in the order written: a deferred frame first.
    if (this.#deferred) this.batch?.flush()
    if (!socket.writable) return this.stream.write(bytes)
    if (bytes.byteLength === 0) return !socket.writableNeedDrain
    const frame = chunk(bytes)
    const handle = socket._handle
    // The descriptor is read again each time: a closed handle says -1, and a number kept
    // from before could by now belong to another connection.
    const fd = handle?.fd ?? -1
    if (fd >= 0 && handle?.writeQueueSize === 0 && socket.writableLength === 0) {
      if (this.batch?.collecting) {
        this.#deferred = frame
        this.batch.add(frame, this)
        return true
      }
      return this.#took(this.send(fd, frame), frame)
    }
    return socket.write(frame)
  }

  /** The descriptor when the batch sends (-1 once the socket is gone: send says EBADF). */
  get fd(): number {
    return this.socket._handle?.fd ?? -1
  }

  /** What send(2) took of the deferred frame, once the batch sent it. */
  settle(n: number): void {
    const frame = this.#deferred
    this.#deferred = null
    // A deferred write said true: the stream learns now that the client fell behind.
    if (frame && !this.socket.destroyed && !this.#took(n, frame)) this.#behind?.()
  }

  /** Queues what send(2) did not take of `frame`; false once the client is behind. */
  #took(n: number, frame: Buffer): boolean {
    const { socket } = this
    // What socket.write would do too: a socket timeout, if one is ever set, counts this.
    if (n > 0) socket._unrefTimer?.()
    if (n === frame.byteLength) return true
    // A short send leaves the rest to the stream; an error (n < 0) is the stream's to
    // report: its own write of the frame fails the same way and closes the response.
    return socket.write(n > 0 ? frame.subarray(n) : frame)
  }

  // The response's count already includes the socket's queue, where sends that fell short go.
  get bufferedBytes(): number {
    return this.stream.bufferedBytes + (this.#deferred?.byteLength ?? 0)
  }

  close(): void {
    // The end of the stream comes after the deferred frame.
    if (this.#deferred) this.batch?.flush()
    this.stream.close()
  }

  destroy(): void {
    // Discarded, as destroy discards what is queued: the batch then finds nothing to settle.
    this.#deferred = null
    this.stream.destroy()
  }

  onBehind(l: () => void): void {
    this.#behind = l
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
