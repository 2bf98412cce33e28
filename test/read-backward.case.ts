/**
 * @module The readBackward contract, run against every implementation (native and TypeScript) by
 * read-backward.test.ts. Expected values come from `oracle`, a forward split of the same bytes.
 */
import { mkdtemp, open, rm, truncate, writeFile, type FileHandle } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { BackwardRead } from '../src/follow/native-types.js'

export type ReadBackwardImpl = (
  fd: number,
  end: number,
  maxLines: number,
  maxBytes: number,
  chunkSize: number
) => Promise<BackwardRead>

/** The contract stated forwards: the (maxLines + 1)-th '\n' from the end, then the byte cap. */
export function oracle(bytes: Buffer, end: number, maxLines: number, maxBytes: number) {
  const newlines: number[] = []
  for (let i = end - 1; i >= 0; i--) if (bytes[i] === 0x0a) newlines.push(i)
  const nth = newlines[maxLines]
  let start = nth === undefined ? 0 : nth + 1
  let hitLimit = false
  if (end - start > maxBytes) {
    start = end - maxBytes
    hitLimit = true
  }
  return { start, data: bytes.subarray(start, end), hitLimit }
}

export function runReadBackwardContract(name: string, impl: ReadBackwardImpl): void {
  describe(`readBackward contract: ${name}`, () => {
    let dir = ''
    let counter = 0
    const handles: FileHandle[] = []

    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'taillight-rb-'))
    })
    afterAll(async () => {
      await Promise.all(handles.map((fh) => fh.close().catch(() => undefined)))
      await rm(dir, { recursive: true, force: true })
    })

    async function file(content: string | Buffer): Promise<{ fd: number; bytes: Buffer }> {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content
      const p = path.join(dir, `f${counter++}.log`)
      await writeFile(p, bytes)
      const fh = await open(p, 'r')
      handles.push(fh)
      return { fd: fh.fd, bytes }
    }

    async function check(
      content: string | Buffer,
      maxLines: number,
      opts: { end?: number; maxBytes?: number; chunk?: number } = {}
    ): Promise<BackwardRead> {
      const { fd, bytes } = await file(content)
      const end = opts.end ?? bytes.length
      const maxBytes = opts.maxBytes ?? 1 << 20
      const got = await impl(fd, end, maxLines, maxBytes, opts.chunk ?? 4)
      const want = oracle(bytes, end, maxLines, maxBytes)
      expect({ ...got, data: got.data.toString('hex') }).toEqual({
        ...want,
        data: want.data.toString('hex'),
      })
      expect(Buffer.isBuffer(got.data)).toBe(true)
      return got
    }

    it('empty file', async () => {
      const got = await check('', 10)
      expect(got).toMatchObject({ start: 0, hitLimit: false })
      expect(got.data.length).toBe(0)
    })

    it('maxLines 0 gives only the unterminated tail', async () => {
      expect((await check('a\nb\n', 0)).data.toString()).toBe('')
      expect((await check('a\nb\n', 0)).start).toBe(4)
      expect((await check('a\nb', 0)).data.toString()).toBe('b')
    })

    it('more lines asked than exist gives the whole file', async () => {
      expect((await check('a\nb\nc\n', 100)).data.toString()).toBe('a\nb\nc\n')
    })

    it('no trailing newline: maxLines complete lines plus the tail', async () => {
      expect((await check('a\nb\nc', 1)).data.toString()).toBe('b\nc')
      expect((await check('a\nb\nc', 2)).data.toString()).toBe('a\nb\nc')
      expect((await check('a\nb\nc\n', 2)).data.toString()).toBe('b\nc\n')
    })

    it('CRLF stays as data', async () => {
      expect((await check('a\r\nb\r\n', 1)).data.toString()).toBe('b\r\n')
    })

    it('blank lines count as lines', async () => {
      expect((await check('\n\n\n', 2)).data.toString()).toBe('\n\n')
      expect((await check('x\n\n\ny\n', 3)).data.toString()).toBe('\n\ny\n')
    })

    it('a line longer than a chunk', async () => {
      const long = 'L'.repeat(50_000)
      const got = await check(`head\n${long}\ntail`, 1, { chunk: 4096 })
      expect(got.data.toString()).toBe(`${long}\ntail`)
      expect(got.start).toBe(5)
    })

    it('maxBytes caps the result and sets hitLimit', async () => {
      const got = await check('0123456789\nabcdefghij\n', 5, { maxBytes: 10 })
      expect(got).toMatchObject({ start: 12, hitLimit: true })
      expect(got.data.toString()).toBe('bcdefghij\n')
      // Exactly fitting: the newline sits one byte below the window, so nothing was cut.
      const fits = await check('0123456789\nabcdefghij\n', 1, { maxBytes: 11 })
      expect(fits).toMatchObject({ start: 11, hitLimit: false })
      const zero = await check('abc\n', 3, { maxBytes: 0 })
      expect(zero).toMatchObject({ start: 4, hitLimit: true })
    })

    it('chunk sizes 1..7 with multibyte UTF-8 across chunk boundaries', async () => {
      const lines = [
        'héllo wörld',
        '日本語のログ',
        '',
        'emoji 🦀🚀 end',
        'ascii',
        'ünïcödé\r',
        'last',
      ]
      const text = `${lines.join('\n')}\n`
      const { fd, bytes } = await file(text)
      for (let chunk = 1; chunk <= 7; chunk++) {
        for (let n = 0; n <= lines.length + 1; n++) {
          const got = await impl(fd, bytes.length, n, 1 << 20, chunk)
          const want = lines.slice(Math.max(0, lines.length - n))
          const expected = n === 0 ? '' : `${want.join('\n')}\n`
          expect(got.data.toString('utf8'), `chunk ${chunk}, ${n} lines`).toBe(expected)
        }
      }
    })

    it('end in the middle of the file (scrollback)', async () => {
      const text = 'one\ntwo\nthree\nfour\nfive\n'
      const end = text.indexOf('four')
      const got = await check(text, 2, { end })
      expect(got.data.toString()).toBe('two\nthree\n')
      expect(got.start).toBe(4)
      const mid = await check(text, 1, { end: end + 2 })
      expect(mid.data.toString()).toBe('three\nfo')
    })

    it('invalid UTF-8 and NUL bytes pass through as bytes', async () => {
      const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28, 0x00, 0x0a, 0xe2, 0x82])
      const got = await check(bytes, 1, { chunk: 3 })
      expect([...got.data]).toEqual([0xc3, 0x28, 0x00, 0x0a, 0xe2, 0x82])
    })

    it('matches the forward oracle on random inputs', async () => {
      const alphabet = [0x61, 0x0a, 0x0d, 0x00, 0xc3, 0xa9, 0xff]
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }),
          fc.nat(),
          fc.integer({ min: 0, max: 8 }),
          fc.integer({ min: 0, max: 70 }),
          fc.integer({ min: 1, max: 9 }),
          async (arr, endSeed, maxLines, maxBytes, chunk) => {
            const bytes = Buffer.from(arr)
            const end = bytes.length === 0 ? 0 : endSeed % (bytes.length + 1)
            const { fd } = await file(bytes)
            const got = await impl(fd, end, maxLines, maxBytes, chunk)
            const want = oracle(bytes, end, maxLines, maxBytes)
            expect(got.start).toBe(want.start)
            expect(got.hitLimit).toBe(want.hitLimit)
            expect(got.data.equals(want.data)).toBe(true)
          }
        ),
        { numRuns: 150 }
      )
    })

    it('a file that shrank below end rejects with ECHANGED', async () => {
      const content = 'x'.repeat(1000) + '\n'
      const { fd } = await file(content)
      await truncate(path.join(dir, `f${counter - 1}.log`), 100)
      await expect(impl(fd, content.length, 5, 1 << 20, 64)).rejects.toMatchObject({
        code: 'ECHANGED',
      })
    })

    it('a bad fd rejects with an errno code', async () => {
      await expect(impl(2 ** 31 - 1, 10, 1, 100, 4)).rejects.toMatchObject({ code: 'EBADF' })
    })

    it('invalid arguments reject with a code', async () => {
      const { fd } = await file('a\n')
      await expect(impl(fd, -1, 1, 100, 4)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
      await expect(impl(fd, 2, 1.5, 100, 4)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
      await expect(impl(fd, 2, 1, 100, 0)).rejects.toMatchObject({ code: 'ERR_OUT_OF_RANGE' })
    })
  })
}
