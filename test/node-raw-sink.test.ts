/**
 * The policy of the send(2) sink, on a fake socket: when a chunk may go to the descriptor and
 * where the rest goes. (The same sink on real sockets: the SSE suite of server-node.test.ts.)
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { rawSink as rawSinkOver, type SocketWrite } from '../src/server/node-raw-sink.js'
import { SendBatch } from '../src/server/node-send-batch.js'
import { nodeSink } from '../src/server/node-transport.js'

function fakes(
  over: {
    encrypted?: boolean
    chunked?: boolean
    fd?: number
    other?: boolean
    writable?: boolean
    held?: number
  } = {}
) {
  const written: Buffer[] = []
  const resWritten: Buffer[] = []
  const listeners = new Map<string, Set<() => void>>()
  const socket = {
    encrypted: over.encrypted,
    writable: over.writable ?? true,
    writableLength: 0,
    writableNeedDrain: false,
    destroyed: false,
    _handle: { fd: over.fd ?? 7, writeQueueSize: 0 },
    _httpMessage: undefined as unknown,
    write(b: Buffer) {
      written.push(Buffer.from(b))
      return true
    },
    on(event: string, l: () => void) {
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(l)
    },
    off(event: string, l: () => void) {
      listeners.get(event)?.delete(l)
    },
  }
  const closes: (() => void)[] = []
  const res = {
    socket,
    chunkedEncoding: over.chunked ?? true,
    destroyed: false,
    writableEnded: false,
    // As Node's: what the response holds itself (headers not yet sent) plus the socket's queue.
    get writableLength() {
      return (over.held ?? 0) + socket.writableLength
    },
    write(b: Uint8Array) {
      resWritten.push(Buffer.from(b))
      return true
    },
    on() {},
    once(event: string, l: () => void) {
      if (event === 'close') closes.push(l)
    },
  }
  socket._httpMessage = over.other ? {} : res
  const close = () => closes.forEach((l) => l())
  return { socket, res: res as unknown as ServerResponse, written, resWritten, listeners, close }
}

const rawSink = (res: ServerResponse, send: SocketWrite) => rawSinkOver(res, send, nodeSink(res))
const bytes = (s: string) => new TextEncoder().encode(s)
const frame = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`

function spy(answer: (len: number) => number) {
  const calls: { fd: number; text: string }[] = []
  const send: SocketWrite = (fd, b) => {
    calls.push({ fd, text: Buffer.from(b).toString() })
    return answer(b.byteLength)
  }
  return { calls, send }
}

describe('the send(2) SSE sink', () => {
  it('sends a whole chunk, framed, to the descriptor when the stream has nothing queued', () => {
    const { res, written } = fakes()
    const { calls, send } = spy((n) => n)
    const sink = rawSink(res, send)!
    expect(sink.write(bytes('event: x\ndata: 1\n\n'))).toBe(true)
    expect(calls).toEqual([{ fd: 7, text: frame('event: x\ndata: 1\n\n') }])
    expect(written).toEqual([])
  })

  it('frames a payload once for every client it goes to', () => {
    const a = fakes()
    const b = fakes()
    const seen: Uint8Array[] = []
    const send: SocketWrite = (_fd, x) => (seen.push(x), x.byteLength)
    const payload = bytes('data: same\n\n')
    rawSink(a.res, send)!.write(payload)
    rawSink(b.res, send)!.write(payload)
    expect(seen).toHaveLength(2)
    expect(seen[0]).toBe(seen[1])
    rawSink(a.res, send)!.write(bytes('data: same\n\n')) // equal bytes, another payload
    expect(seen[2]).not.toBe(seen[0])
    expect(Buffer.from(seen[2]!).toString()).toBe(frame('data: same\n\n'))
  })

  it('queues the rest of a short send, or all of a refused one, on the stream', () => {
    const short = fakes()
    rawSink(short.res, spy(() => 4).send)!.write(bytes('data: abcdef\n\n'))
    expect(short.written.map(String)).toEqual([frame('data: abcdef\n\n').slice(4)])
    for (const answer of [0, -32]) {
      const f = fakes()
      rawSink(f.res, spy(() => answer).send)!.write(bytes('data: z\n\n'))
      expect(f.written.map(String)).toEqual([frame('data: z\n\n')])
    }
  })

  it('never sends past bytes queued in Node or libuv, nor to a descriptor the handle lost', () => {
    for (const why of ['node', 'libuv', 'closed'] as const) {
      const f = fakes()
      const { calls, send } = spy((n) => n)
      const sink = rawSink(f.res, send)!
      // Queued bytes would be overtaken; a closed handle says -1 (its number may be reused).
      if (why === 'node') f.socket.writableLength = 10
      else if (why === 'libuv') f.socket._handle.writeQueueSize = 10
      else f.socket._handle.fd = -1
      sink.write(bytes('data: later\n\n'))
      expect(calls).toEqual([])
      expect(f.written.map(String)).toEqual([frame('data: later\n\n')])
    }
  })

  it('writes nothing for an empty payload or an ended response', () => {
    const f = fakes()
    const { calls, send } = spy((n) => n)
    const sink = rawSink(f.res, send)!
    expect(sink.write(new Uint8Array(0))).toBe(true)
    Object.defineProperty(f.res, 'writableEnded', { value: true })
    expect(sink.write(bytes('data: x\n\n'))).toBe(false)
    expect(calls).toEqual([])
    expect(f.written).toEqual([])
  })

  it('counts what is queued once: the response and the socket behind it', () => {
    const f = fakes()
    const sink = rawSink(f.res, spy((n) => n).send)!
    f.socket.writableLength = 5000
    expect(sink.bufferedBytes).toBe(5000)
  })

  it('an empty payload is behind only while the socket waits for drain', () => {
    const f = fakes()
    const sink = rawSink(f.res, spy((n) => n).send)!
    f.socket.writableLength = 10 // queued, below the high-water mark: no 'drain' will come
    expect(sink.write(new Uint8Array(0))).toBe(true)
    f.socket.writableNeedDrain = true
    expect(sink.write(new Uint8Array(0))).toBe(false)
  })

  it('its drain listener on the socket goes when the response closes (keep-alive)', () => {
    const f = fakes()
    const sink = rawSink(f.res, spy((n) => n).send)!
    sink.onDrain(() => {})
    expect(f.listeners.get('drain')?.size).toBe(1)
    f.close()
    expect(f.listeners.get('drain')?.size).toBe(0)
  })

  it('a socket that stops being writable gets its chunks through the response', () => {
    const f = fakes()
    const { calls, send } = spy((n) => n)
    const sink = rawSink(f.res, send)!
    f.socket.writable = false // the client half-closed; Node keeps what comes in the response
    sink.write(bytes('data: b\n\n'))
    expect(calls).toEqual([])
    expect(f.written).toEqual([])
    expect(f.resWritten.map(String)).toEqual(['data: b\n\n'])
  })

  it('is not used over TLS, without chunked framing, behind another response or headers held, or with no fd', () => {
    const send = spy((n) => n).send
    // Headers the response still holds (its socket was not writable): a chunk would pass them.
    expect(rawSink(fakes({ held: 164 }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ writable: false }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ encrypted: true }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ chunked: false }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ other: true }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ fd: -1 }).res, send)).toBeUndefined()
    expect(rawSink(fakes().res, send)).toBeDefined()
  })
})

/** A batch over a fake sendMany answering each descriptor from `answer`. */
function batchOf(answer: (fd: number, len: number) => number = (_fd, n) => n) {
  const calls: { fds: number[]; text: string }[] = []
  const batch = new SendBatch((fds, count, b, results) => {
    calls.push({ fds: [...fds.subarray(0, count)], text: Buffer.from(b).toString() })
    for (let i = 0; i < count; i++) results[i] = answer(fds[i] as number, b.byteLength)
  })
  return { batch, calls }
}

describe('the send(2) SSE sink in a fan-out batch', () => {
  const batched = (f: ReturnType<typeof fakes>, batch: SendBatch, send = spy((n) => n).send) =>
    rawSinkOver(f.res, send, nodeSink(f.res), batch)!

  it('holds writes until the batch closes, then sends each frame to all its sockets in one call', () => {
    const { batch, calls } = batchOf()
    const a = fakes({ fd: 7 })
    const b = fakes({ fd: 8 })
    const c = fakes({ fd: 9 })
    const { calls: direct, send } = spy((n) => n)
    const sinks = [batched(a, batch, send), batched(b, batch, send), batched(c, batch, send)]
    const one = bytes('data: one\n\n')
    batch.open()
    expect(sinks[0]!.write(one)).toBe(true)
    expect(sinks[1]!.write(one)).toBe(true)
    expect(sinks[2]!.write(bytes('data: two\n\n'))).toBe(true)
    expect(calls).toEqual([])
    expect(sinks[0]!.bufferedBytes).toBe(frame('data: one\n\n').length)
    batch.close()
    expect(calls).toEqual([
      { fds: [7, 8], text: frame('data: one\n\n') },
      { fds: [9], text: frame('data: two\n\n') },
    ])
    expect(direct).toEqual([])
    expect(sinks[0]!.bufferedBytes).toBe(0)
    // Outside a batch (a heartbeat, an init event) a write is sent at once.
    sinks[0]!.write(bytes('data: now\n\n'))
    expect(direct).toEqual([{ fd: 7, text: frame('data: now\n\n') }])
  })

  it('keeps order: a second write, an end, or a nested close come after the held frame', () => {
    const { batch, calls } = batchOf()
    const f = fakes()
    const ended: string[] = []
    Object.assign(f.res, { end: () => ended.push(`end after ${calls.length} calls`) })
    const sink = batched(f, batch)
    batch.open()
    batch.open() // nested: only the outer close sends
    sink.write(bytes('data: 1\n\n'))
    batch.close()
    expect(calls).toHaveLength(0)
    sink.write(bytes('data: 2\n\n'))
    expect(calls.map((c) => c.text)).toEqual([frame('data: 1\n\n')])
    sink.close()
    expect(calls.map((c) => c.text)).toEqual([frame('data: 1\n\n'), frame('data: 2\n\n')])
    expect(ended).toEqual(['end after 2 calls'])
    batch.close()
    expect(calls).toHaveLength(2)
  })

  it('queues what the kernel did not take and tells the stream it fell behind', () => {
    const { batch } = batchOf((fd, n) => (fd === 7 ? 4 : fd === 8 ? 0 : fd === 9 ? -104 : n))
    const behind: number[] = []
    for (const fd of [7, 8, 9, 10]) {
      const f = fakes({ fd })
      f.socket.write = (b: Buffer) => (f.written.push(Buffer.from(b)), false)
      const sink = batched(f, batch)
      sink.onBehind!(() => behind.push(fd))
      batch.open()
      sink.write(bytes('data: abcdef\n\n'))
      batch.close()
      const want = { 7: [frame('data: abcdef\n\n').slice(4)], 10: [] }[fd as 7 | 10]
      expect(f.written.map(String)).toEqual(want ?? [frame('data: abcdef\n\n')])
    }
    expect(behind).toEqual([7, 8, 9])
  })

  it('reads the descriptor when it sends, and a destroyed sink sends nothing more', () => {
    const { batch, calls } = batchOf((fd, n) => (fd < 0 ? -9 : n))
    const gone = fakes({ fd: 7 })
    const destroyed = fakes({ fd: 8 })
    Object.assign(destroyed.res, { destroy: () => (destroyed.socket._handle.fd = -1) })
    const a = batched(gone, batch)
    const b = batched(destroyed, batch)
    const x = bytes('data: x\n\n')
    batch.open()
    a.write(x)
    b.write(x)
    gone.socket._handle.fd = -1 // closed meanwhile: its number could be another socket's now
    b.destroy()
    batch.close()
    expect(calls).toEqual([{ fds: [-1, -1], text: frame('data: x\n\n') }])
    // EBADF: the stream's own write reports it; the destroyed sink had discarded its frame.
    expect(gone.written.map(String)).toEqual([frame('data: x\n\n')])
    expect(destroyed.written).toEqual([])
  })
})
