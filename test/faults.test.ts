/**
 * Fault injection: read errors (EIO), permission errors (EACCES) when a rotated file is opened,
 * a download whose read fails half way, and a client socket reset in the middle of an event.
 * None of them may crash anything or lose a line that can still be read.
 */
import { appendFileSync, readSync, renameSync, writeFileSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import { request } from 'node:http'
import { connect } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileSource } from '../src/follow/file-source.js'
import { Follower } from '../src/follow/follower.js'
import type { FollowerIo } from '../src/follow/options.js'
import { serveNode } from '../src/server/node-serve.js'
import { Collector } from './helpers/collect.js'
import { sleep, useTempDir, waitFor } from './helpers/fs.js'

const seq = (a: number, b: number): string[] =>
  Array.from({ length: b - a + 1 }, (_, i) => `line ${a + i}`)
const text = (lines: string[]): string => lines.map((l) => l + '\n').join('')
const errno = (code: string, syscall: string, path: string) =>
  Object.assign(new Error(`${code}: injected, ${syscall} '${path}'`), { code, syscall, path })

/**
 * File I/O whose reads (async and sync) fail while `faults.read` is set, and whose open refuses
 * the paths in `faults.deny`.
 */
function faultyIo(faults: { read: string | null; deny: Set<string> }): FollowerIo {
  return {
    async open(path: string, flags: number): Promise<FileHandle> {
      if (faults.deny.has(path)) throw errno('EACCES', 'open', path)
      const fh = await open(path, flags)
      return new Proxy(fh, {
        get(target, prop, receiver) {
          if (prop === 'read') {
            return (...args: unknown[]) => {
              if (faults.read) return Promise.reject(errno(faults.read, 'read', path))
              return (target.read as (...a: unknown[]) => unknown).apply(target, args)
            }
          }
          const v = Reflect.get(target, prop, receiver) as unknown
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v
        },
      })
    },
    readSync(fd, buf, offset, length, position) {
      // Like node's readSync: an errno error without a path (the follower adds its own).
      if (faults.read)
        throw Object.assign(new Error(`${faults.read}: injected, read`), {
          code: faults.read,
          syscall: 'read',
        })
      return readSync(fd, buf, offset, length, position)
    },
  }
}

describe('faults while following', () => {
  const tmp = useTempDir()

  for (const poll of [false, true]) {
    describe(poll ? 'polling' : 'native or default', () => {
      it('EIO on read: one error event with code and path, then every line once when it clears', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, '')
        const faults = { read: null as string | null, deny: new Set<string>() }
        const f = new Follower(log, { poll, io: faultyIo(faults), safetyTickMs: 100 })
        tmp.track(f)
        const c = new Collector(f)
        await f.start()
        appendFileSync(log, text(seq(1, 3)))
        await c.lineCount(3)
        faults.read = 'EIO'
        appendFileSync(log, text(seq(4, 6)))
        await waitFor(() => c.of('error').length > 0, 'an EIO error event')
        await sleep(300) // keeps failing: still one event, not one per retry
        expect(c.of('error')).toHaveLength(1)
        expect(c.of('error')[0]).toMatchObject({ code: 'EIO', path: log, syscall: 'read' })
        faults.read = null
        appendFileSync(log, text(seq(7, 8)))
        await c.lineCount(8)
        expect(c.texts).toEqual(seq(1, 8))
      })

      it('EACCES opening the new file after a rotation: error, old file drained, then followed', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, '')
        const faults = { read: null as string | null, deny: new Set<string>() }
        const f = new Follower(log, {
          poll,
          io: faultyIo(faults),
          rotateGraceMs: 200,
          safetyTickMs: 100,
        })
        tmp.track(f)
        const c = new Collector(f)
        await f.start()
        appendFileSync(log, text(seq(1, 2)))
        await c.lineCount(2)
        faults.deny.add(log)
        appendFileSync(log, text(seq(3, 4)))
        renameSync(log, log + '.1')
        writeFileSync(log, text(seq(5, 6)))
        await waitFor(() => c.of('error').some((e) => e.code === 'EACCES'), 'an EACCES error')
        expect(c.of('error').find((e) => e.code === 'EACCES')).toMatchObject({ path: log })
        // No file followed, and the state says why (not 'following' with nothing open).
        expect(f.phase).toMatchObject({ kind: 'error', code: 'EACCES' })
        expect(f.current()).toBeNull()
        await c.lineCount(4)
        faults.deny.clear()
        await c.lineCount(6)
        expect(f.state).toBe('following')
        expect(c.texts).toEqual(seq(1, 6))
      })
    })
  }
})

describe('faults while serving', () => {
  const tmp = useTempDir()

  it('a read error half way through a download aborts that response; the server keeps serving', async () => {
    const log = join(tmp.dir, 'big.log')
    writeFileSync(log, text(seq(1, 200_000))) // ~2.5 MB: many 64 KiB chunks
    const faults = { read: null as string | null, deny: new Set<string>() }
    const source = tmp.track(await createFileSource('big.log', log, { io: faultyIo(faults) }))
    const server = tmp.track(
      await serveNode({ sources: [source], version: 't' }, { assets: false })
    )
    const port = server.port
    const result = await new Promise<{ status: number; bytes: number; error: string | null }>(
      (resolve) => {
        const req = request({ port, host: '127.0.0.1', path: '/download' }, (res) => {
          let bytes = 0
          res.on('data', (d: Buffer) => {
            bytes += d.length
            if (bytes > 200_000) faults.read = 'ENOSPC' // the disk-full/EIO case mid-stream
          })
          res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, error: null }))
          res.on('error', (e) => resolve({ status: res.statusCode ?? 0, bytes, error: e.message }))
          res.on('aborted', () => resolve({ status: res.statusCode ?? 0, bytes, error: 'aborted' }))
        })
        req.on('error', (e) => resolve({ status: 0, bytes: 0, error: e.message }))
        req.end()
      }
    )
    expect(result.status).toBe(200)
    // Never a short body that looks complete: the transfer is cut, and the client can tell.
    expect(result.error).not.toBeNull()
    expect(result.bytes).toBeLessThan(Buffer.byteLength(text(seq(1, 200_000))))
    faults.read = null
    const health = await fetch(`${server.url}health`)
    expect(health.status).toBe(200)
    const again = await fetch(`${server.url}download`)
    expect((await again.text()).length).toBe(Buffer.byteLength(text(seq(1, 200_000))))
  })

  it('a client that resets its socket in the middle of an event is removed; others carry on', async () => {
    const log = join(tmp.dir, 'a.log')
    writeFileSync(log, '')
    const source = tmp.track(await createFileSource('a.log', log))
    const server = tmp.track(
      await serveNode({ sources: [source], version: 't' }, { assets: false })
    )
    const port = server.port
    const resetter = connect({ port, host: '127.0.0.1' })
    await new Promise<void>((r) => resetter.once('connect', () => r()))
    resetter.write('GET /events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n')
    let got = ''
    resetter.on('data', (d: Buffer) => {
      got += d.toString('latin1')
      // Reset (RST) as soon as a big event has started to arrive, not at a frame boundary.
      if (got.includes('event: update')) resetter.resetAndDestroy()
    })
    resetter.on('error', () => undefined)
    await waitFor(() => got.includes('event: init'), 'init on the resetting client')
    const other = await fetch(`${server.url}events`, { headers: { accept: 'text/event-stream' } })
    const reader = other.body!.getReader()
    appendFileSync(log, 'x'.repeat(300_000) + '\n' + text(seq(1, 100)))
    let seen = ''
    const decoder = new TextDecoder()
    while (!seen.includes('line 100')) {
      const { value, done } = await reader.read()
      if (done) break
      seen += decoder.decode(value)
    }
    expect(seen).toContain('line 100')
    await waitFor(() => resetter.destroyed, 'the reset')
    await waitFor(() => server.taillight.clients() === 1, 'the reset client to be removed')
    appendFileSync(log, 'after\n')
    while (!seen.includes('after')) {
      const { value, done } = await reader.read()
      if (done) break
      seen += decoder.decode(value)
    }
    expect(seen).toContain('after')
    await reader.cancel()
  })
})
