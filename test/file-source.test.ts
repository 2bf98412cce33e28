/**
 * History through a followed file: initial lines, resume by cursor (also after a restart),
 * scrollback, downloads, and stale cursors reported as stale.
 */
import {
  appendFileSync,
  openSync,
  closeSync,
  writeSync,
  unlinkSync,
  writeFileSync,
  renameSync,
} from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { LinesResult } from '../src/core/types.js'
import type { Stale } from '../src/core/log-source.js'
import { createFileSource, type FileSource } from '../src/follow/file-source.js'
import { loadNative } from '../src/follow/native.js'
import { useTempDir, waitFor } from './helpers/fs.js'

const seq = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`)
const text = (lines: string[]): string => lines.map((l) => l + '\n').join('')

function ok(r: LinesResult | Stale): LinesResult {
  if ('stale' in r) throw new Error(`unexpected stale: ${r.reason}`)
  return r
}

const variants = [
  ['native', loadNative().binding],
  ['fallback', null],
] as const

for (const [label, native] of variants) {
  describe.skipIf(label === 'native' && !native && !process.env.CI)(
    `file source (${label})`,
    () => {
      const tmp = useTempDir()
      async function open(path: string): Promise<FileSource> {
        const s = await createFileSource('f1', path, { native, rotateGraceMs: 200 })
        return tmp.track(s)
      }

      it('tail(n) is exactly the last n complete lines before the position', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, text(seq(1, 100)) + 'partial')
        const s = await open(log)
        const at = s.position()
        const r = ok(await s.tail(10, at))
        expect(r.lines.map((l) => l.text)).toEqual(seq(91, 100))
        expect(r.last).toBe(at.cursor)
        expect(r.more).toBe(true)
        expect(ok(await s.tail(1000, at)).lines.length).toBe(100)
        expect(ok(await s.tail(0, at)).lines).toEqual([])
      })

      it('readAfter resumes exactly after a cursor, in bounded pages', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, '')
        const s = await open(log)
        const start = s.position().cursor
        appendFileSync(log, text(seq(1, 1000)))
        await waitFor(
          () => s.position().offset === Buffer.byteLength(text(seq(1, 1000))),
          'the follower to read everything'
        )
        const until = s.position()
        const got: string[] = []
        let cursor = start
        for (let i = 0; i < 100; i++) {
          const r = ok(await s.readAfter(cursor, until, 1000))
          got.push(...r.lines.map((l) => l.text))
          cursor = r.last
          if (!r.more) break
        }
        expect(got).toEqual(seq(1, 1000))
        expect(cursor).toBe(until.cursor)
      })

      it('a cursor survives a restart: the new process reads the missed lines from the file', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, text(seq(1, 5)))
        const a = await open(log)
        appendFileSync(log, text(seq(6, 8)))
        await waitFor(() => a.position().offset === Buffer.byteLength(text(seq(1, 8))), 'lines 6-8')
        const cursor = a.position().cursor
        await a.close()
        appendFileSync(log, text(seq(9, 12)))
        const b = await open(log)
        expect(await b.check(cursor)).toEqual({
          ok: true,
          offset: Buffer.byteLength(text(seq(1, 8))),
        })
        const r = ok(await b.readAfter(cursor, b.position(), 1 << 20))
        expect(r.lines.map((l) => l.text)).toEqual(seq(9, 12))
      })

      it('a cursor into a rewritten or replaced file is stale, never resolved to other lines', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, text(seq(1, 5)))
        const a = await open(log)
        const cursor = a.position().cursor
        await a.close()
        unlinkSync(log)
        writeFileSync(log, text(seq(1, 4)) + 'line X\n' + text(seq(6, 9))) // same length, other bytes
        const b = await open(log)
        expect(await b.check(cursor)).toEqual({ ok: false, reason: 'stale' })
        expect(await b.readAfter(cursor, b.position(), 1000)).toEqual({
          stale: true,
          reason: 'stale',
        })
        expect(await b.check('garbage')).toEqual({ ok: false, reason: 'malformed' })
        expect(await b.check(`999999-${'0'.repeat(14)}`)).toEqual({ ok: false, reason: 'ahead' })
      })

      it('readBefore pages backwards for scrollback with cursors of the first line', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, text(seq(1, 50)))
        const s = await open(log)
        let cursor = s.position().cursor
        const pages: string[][] = []
        for (let i = 0; i < 20; i++) {
          const r = ok(await s.readBefore(cursor, 15, 1 << 20))
          pages.unshift(r.lines.map((l) => l.text))
          cursor = r.first
          if (!r.more) break
        }
        expect(pages.flat()).toEqual(seq(1, 50))
        expect(pages.length).toBe(4)
      })

      it('openRange streams the bytes of the current file', async () => {
        const log = join(tmp.dir, 'a.log')
        const body = text(seq(1, 20_000))
        writeFileSync(log, body)
        const s = await open(log)
        const stream = await s.openRange(0, Number.MAX_SAFE_INTEGER)
        if ('stale' in stream) throw new Error('stale')
        const got = Buffer.from(await new Response(stream).arrayBuffer()).toString()
        expect(got).toBe(body)
      })

      it('keeps a rotated-away generation readable for a consumer that took its position', async () => {
        const log = join(tmp.dir, 'a.log')
        writeFileSync(log, text(seq(1, 30)))
        const s = await open(log)
        const at = s.position()
        renameSync(log, log + '.1')
        writeFileSync(log, 'new\n')
        await waitFor(() => s.position().gen !== at.gen, 'the rotation')
        const r = ok(await s.tail(3, at))
        expect(r.lines.map((l) => l.text)).toEqual(seq(28, 30))
      })

      it('reads the last 10 lines of a 1 GiB file without reading the file', async () => {
        const log = join(tmp.dir, 'big.log')
        const block = Buffer.from(text(seq(1, 100_000)).repeat(1)) // ~1.3 MB of lines
        const fd = openSync(log, 'w')
        let size = 0
        while (size < 1 << 30) {
          writeSync(fd, block)
          size += block.length
        }
        writeSync(fd, text(['tail a', 'tail b']))
        closeSync(fd)
        const s = await open(log)
        const r = ok(await s.tail(10, s.position()))
        expect(r.lines.map((l) => l.text)).toEqual([...seq(99_993, 100_000), 'tail a', 'tail b'])
        unlinkSync(log)
      })
    }
  )
}
