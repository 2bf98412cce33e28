/**
 * The policy of the send(2) sink, on a fake socket: when a chunk may go to the descriptor and
 * where the rest goes. (The same sink on real sockets: the SSE suite of server-node.test.ts.)
 */
import type { ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { rawSink as rawSinkOver, type SocketWrite } from '../src/server/node-raw-sink.js'
import { nodeSink } from '../src/server/node-transport.js'

function fakes(
  over: { encrypted?: boolean; chunked?: boolean; fd?: number; other?: boolean } = {}
) {
  const written: Buffer[] = []
  const socket = {
    encrypted: over.encrypted,
    writableLength: 0,
    destroyed: false,
    _handle: { fd: over.fd ?? 7, writeQueueSize: 0 },
    _httpMessage: undefined as unknown,
    write(b: Buffer) {
      written.push(Buffer.from(b))
      return true
    },
    on() {},
  }
  const res = {
    socket,
    chunkedEncoding: over.chunked ?? true,
    destroyed: false,
    writableEnded: false,
    writableLength: 0,
    on() {},
  }
  socket._httpMessage = over.other ? {} : res
  return { socket, res: res as unknown as ServerResponse, written }
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

  it('never sends past bytes queued in Node or in libuv: they would be overtaken', () => {
    for (const queued of ['node', 'libuv'] as const) {
      const f = fakes()
      if (queued === 'node') f.socket.writableLength = 10
      else f.socket._handle.writeQueueSize = 10
      const { calls, send } = spy((n) => n)
      rawSink(f.res, send)!.write(bytes('data: later\n\n'))
      expect(calls).toEqual([])
      expect(f.written.map(String)).toEqual([frame('data: later\n\n')])
    }
  })

  it('sends nothing to a descriptor the handle no longer has', () => {
    const f = fakes()
    const { calls, send } = spy((n) => n)
    const sink = rawSink(f.res, send)!
    f.socket._handle.fd = -1 // closed under us
    sink.write(bytes('data: a\n\n'))
    expect(calls).toEqual([])
    expect(f.written.map(String)).toEqual([frame('data: a\n\n')])
  })

  it('writes nothing for an empty payload or an ended response', () => {
    const f = fakes()
    const { calls, send } = spy((n) => n)
    const sink = rawSink(f.res, send)!
    expect(sink.write(new Uint8Array(0))).toBe(true)
    ;(f.res as { writableEnded: boolean }).writableEnded = true
    expect(sink.write(bytes('data: x\n\n'))).toBe(false)
    expect(calls).toEqual([])
    expect(f.written).toEqual([])
  })

  it('is not used over TLS, without chunked framing, behind another response, or with no fd', () => {
    const send = spy((n) => n).send
    expect(rawSink(fakes({ encrypted: true }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ chunked: false }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ other: true }).res, send)).toBeUndefined()
    expect(rawSink(fakes({ fd: -1 }).res, send)).toBeUndefined()
    expect(rawSink(fakes().res, send)).toBeDefined()
  })
})
