/**
 * The follower contract, run once per backend (native notification and stat polling), like
 * coreutils runs its tail tests with and without inotify. Every test asserts the exact lines:
 * each written line exactly once, in order.
 */
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  rmdirSync,
  symlinkSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
  writeSync,
  chmodSync,
  copyFileSync,
} from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Follower, type FollowerOptions } from '../src/follow/follower.js'
import { Collector } from './helpers/collect.js'
import { sleep, useTempDir, waitFor } from './helpers/fs.js'

const seq = (from: number, to: number, p = 'line'): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${p}${from + i}`)
const text = (lines: string[]): string => lines.map((l) => l + '\n').join('')

export function followerContract(label: string, base: () => FollowerOptions): void {
  describe(`follower contract (${label})`, () => {
    const tmp = useTempDir()

    async function follow(
      path: string,
      extra: FollowerOptions = {}
    ): Promise<[Follower, Collector]> {
      const f = new Follower(path, { rotateGraceMs: 300, ...base(), ...extra })
      tmp.track(f)
      const c = new Collector(f)
      await f.start()
      return [f, c]
    }

    it('reports its backend', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [f, c] = await follow(log)
      // Linux ships inotify; scripts/test-kqueue.mjs runs the kqueue build there and says so.
      const native =
        process.env.TAILLIGHT_EXPECT_BACKEND ??
        (process.platform === 'linux' ? 'inotify' : 'kqueue')
      const expected = base().poll ? 'poll' : native
      expect(f.backend.backend).toBe(expected)
      expect(c.of('backend')[0]?.backend).toBe(expected)
    })

    it('empty file, then one line', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      appendFileSync(log, 'x\n')
      await c.lineCount(1)
      expect(c.texts).toEqual(['x'])
      expect(c.lines[0]?.offset).toBe(0)
    })

    it('sends only new lines, and the unterminated last line once it is complete', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, 'old1\nold2\npart')
      const [f, c] = await follow(log)
      expect(f.position().offset).toBe(10)
      appendFileSync(log, 'ial\nnext\n')
      await c.lineCount(2)
      expect(c.texts).toEqual(['partial', 'next'])
      expect(c.lines.map((l) => l.offset)).toEqual([10, 18])
    })

    it('holds a line written in many small writes until its newline', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      for (const piece of ['he', 'l', 'lo wor', 'ld']) {
        appendFileSync(log, piece)
        await sleep(30)
      }
      expect(c.lines).toEqual([])
      appendFileSync(log, '\n')
      await c.lineCount(1)
      expect(c.texts).toEqual(['hello world'])
    })

    it('100,000 lines in a burst arrive complete and in order', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      const fd = openSync(log, 'a')
      for (let i = 0; i < 100; i++) writeSync(fd, text(seq(i * 1000 + 1, i * 1000 + 1000)))
      closeSync(fd)
      await c.lineCount(100_000, 20_000)
      expect(c.texts).toEqual(seq(1, 100_000))
    })

    it('cuts a 10 MB line into marked pieces and keeps following', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      const big = 'x'.repeat(10 * 1024 * 1024)
      appendFileSync(log, big + '\nok\n')
      await waitFor(() => c.texts.at(-1) === 'ok', 'the line after the long one', 10_000)
      const pieces = c.lines.slice(0, -1)
      expect(pieces.length).toBe(160)
      expect(pieces.slice(0, -1).every((l) => l.cont === true)).toBe(true)
      expect(pieces.at(-1)?.cont).toBeUndefined()
      expect(pieces.map((l) => l.text).join('')).toBe(big)
      expect(c.lines.at(-1)).toEqual({ text: 'ok', offset: big.length + 1 })
    })

    it('passes invalid UTF-8 and NUL bytes as replacement characters and NULs; strips CRLF', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      appendFileSync(log, Buffer.from([0x61, 0xff, 0xc3, 0x0a, 0x62, 0x00, 0x63, 0x0a]))
      appendFileSync(log, 'crlf\r\nlone\rcr\n')
      await c.lineCount(4)
      expect(c.texts).toEqual(['a\uFFFD\uFFFD', 'b\u0000c', 'crlf', 'lone\rcr'])
    })

    it('rename rotation while the writer keeps appending to the old file loses nothing', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      const writer = openSync(log, 'a')
      writeSync(writer, 'a\n')
      await c.lineCount(1)
      renameSync(log, log + '.1')
      writeSync(writer, 'b\n')
      writeFileSync(log, 'c\n')
      writeSync(writer, 'd\n')
      await c.lineCount(4)
      closeSync(writer)
      // GNU tail -F (inotify) prints only "a c" here.
      expect(new Set(c.texts)).toEqual(new Set(['a', 'b', 'c', 'd']))
      expect(c.texts.indexOf('b')).toBeLessThan(c.texts.indexOf('d'))
      expect(c.types()).toContain('rotated')
      await sleep(600)
      expect(c.texts.length).toBe(4)
    })

    it('several rotations while the consumer is paused: every line of every generation once', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const f = new Follower(log, { rotateGraceMs: 300, ...base(), maxInFlight: 1 })
      tmp.track(f)
      const got: string[] = []
      let rotations = 0
      let release: () => void = () => undefined
      f.on((e) => {
        if (e.type === 'rotated') rotations++
        if (e.type !== 'lines') return
        got.push(...e.lines.map((l) => l.text))
        return new Promise<void>((r) => (release = r))
      })
      await f.start()
      appendFileSync(log, 'first\n')
      await waitFor(() => got.length === 1, 'the first line') // the consumer now holds its batch
      for (let gen = 1; gen <= 3; gen++) {
        appendFileSync(log, text(seq(1, 50, `g${gen}-`)))
        for (let k = gen; k >= 1; k--) {
          try {
            renameSync(`${log}.${k}`, `${log}.${k + 1}`)
          } catch {
            // not there yet
          }
        }
        renameSync(log, `${log}.1`)
        writeFileSync(log, '')
        // A generation the follower never saw cannot be read; it must see each one open.
        await waitFor(() => rotations === gen, `rotation ${gen} to be noticed`)
      }
      appendFileSync(log, 'last\n')
      for (let i = 0; i < 5000 && got.length < 152; i++) {
        release()
        await sleep(2)
      }
      await waitFor(() => got.length === 152, 'every line')
      const want = [
        'first',
        ...seq(1, 50, 'g1-'),
        ...seq(1, 50, 'g2-'),
        ...seq(1, 50, 'g3-'),
        'last',
      ]
      expect(new Set(got)).toEqual(new Set(want))
      for (let g = 1; g <= 3; g++) {
        expect(got.filter((t) => t.startsWith(`g${g}-`))).toEqual(seq(1, 50, `g${g}-`))
      }
      expect(got.length).toBe(want.length)
    })

    it('copytruncate: a shorter rewrite restarts at 0 with a truncated event', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      appendFileSync(log, text(seq(1, 5)))
      await c.lineCount(5)
      copyFileSync(log, log + '.1')
      truncateSync(log, 0)
      appendFileSync(log, 'b1\n')
      await c.lineCount(6)
      expect(c.texts).toEqual([...seq(1, 5), 'b1'])
      expect(c.of('truncated').length).toBe(1)
    })

    it('truncated and regrown past the old offset in one step is detected by the marker', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      appendFileSync(log, 'x1\nx2\n')
      await c.lineCount(2)
      const fd = openSync(log, 'w') // O_TRUNC, then one write longer than before
      writeSync(fd, 'new-line-1-longer-than-before\nnew2\n')
      closeSync(fd)
      await c.lineCount(4)
      expect(c.texts).toEqual(['x1', 'x2', 'new-line-1-longer-than-before', 'new2'])
      expect(c.of('truncated')[0]?.reason).toMatch(/marker|size/)
    })

    it('skips the NUL hole a non-append writer leaves after truncation', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      const writer = openSync(log, 'r+')
      writeSync(writer, 'first\n', 0)
      await c.lineCount(1)
      truncateSync(log, 0)
      await c.event('truncated')
      writeSync(writer, 'after\n', 6) // the writer's own offset: bytes 0..5 become a hole
      closeSync(writer)
      await c.lineCount(2)
      expect(c.texts).toEqual(['first', 'after'])
    })

    it('delete and recreate (inode numbers are reused) follows the new file from 0', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, 'old\n')
      const [, c] = await follow(log)
      appendFileSync(log, 'a\n')
      await c.lineCount(1)
      unlinkSync(log)
      writeFileSync(log, 'n\n')
      await c.lineCount(2)
      appendFileSync(log, 'm\n')
      await c.lineCount(3)
      expect(c.texts).toEqual(['a', 'n', 'm'])
    })

    it('atomic rename-over: the new content, not the old again', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, 'old\n')
      const [, c] = await follow(log)
      writeFileSync(join(tmp.dir, 'tmp'), 'z\n')
      renameSync(join(tmp.dir, 'tmp'), log)
      await c.lineCount(1)
      await sleep(100)
      expect(c.texts).toEqual(['z'])
      expect(c.of('rotated')[0]?.reason).toBe('replaced')
    })

    it('waits for a file that does not exist yet and announces it', async () => {
      const log = join(tmp.dir, 'later.log')
      const [f, c] = await follow(log)
      expect(f.state).toBe('missing')
      expect(c.types()).toContain('missing')
      writeFileSync(log, 'first\n')
      await c.lineCount(1)
      expect(c.types()).toContain('appeared')
      expect(c.texts).toEqual(['first'])
      expect(f.state).toBe('following')
    })

    it('survives its directory being removed and recreated', async () => {
      const sub = join(tmp.dir, 'd')
      mkdirSync(sub)
      const log = join(sub, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      appendFileSync(log, 'a\n')
      await c.lineCount(1)
      rmSync(sub, { recursive: true })
      await c.event('missing')
      mkdirSync(sub)
      writeFileSync(log, 'b\n')
      await c.lineCount(2)
      appendFileSync(log, 'c\n')
      await c.lineCount(3)
      expect(c.texts).toEqual(['a', 'b', 'c'])
    })

    it('starts in a directory that does not exist yet', async () => {
      const log = join(tmp.dir, 'not', 'yet', 'a.log')
      const [, c] = await follow(log)
      mkdirSync(join(tmp.dir, 'not', 'yet'), { recursive: true })
      writeFileSync(log, 'x\n')
      await c.lineCount(1)
      expect(c.texts).toEqual(['x'])
    })

    it('path replaced by a directory, then by a FIFO: clear errors, no hang, keeps waiting', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      unlinkSync(log)
      mkdirSync(log)
      await waitFor(() => c.of('error').some((e) => e.code === 'ENOTREG'), 'ENOTREG error')
      rmdirSync(log)
      execFileSync('mkfifo', [log])
      await sleep(150)
      unlinkSync(log)
      writeFileSync(log, 'x\n')
      await c.lineCount(1)
      expect(c.texts).toEqual(['x'])
      expect(c.of('error').every((e) => e.path === log)).toBe(true)
    })

    it('a symlink re-pointed to another file switches to it', async () => {
      const a = join(tmp.dir, 'a.log')
      const b = join(tmp.dir, 'b.log')
      const cur = join(tmp.dir, 'current')
      writeFileSync(a, '')
      writeFileSync(b, 'old-b\n')
      symlinkSync(a, cur)
      const [, c] = await follow(cur)
      appendFileSync(a, 'from-a\n')
      await c.lineCount(1)
      const next = join(tmp.dir, 'current.tmp')
      symlinkSync(b, next)
      renameSync(next, cur)
      await c.event('rotated')
      appendFileSync(b, 'from-b\n')
      await c.lineCount(3)
      expect(c.texts).toEqual(['from-a', 'old-b', 'from-b'])
    })

    it('keeps reading an open file after chmod 000', async () => {
      if (process.getuid?.() === 0) {
        // root reads through any mode bits; the held descriptor is what matters either way.
      }
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log)
      chmodSync(log, 0o000)
      appendFileSync(log, 'still\n')
      await c.lineCount(1)
      chmodSync(log, 0o644)
      expect(c.texts).toEqual(['still'])
    })

    it('two followers of one inode (hard link) both get every line; closing one leaves the other', async () => {
      const log = join(tmp.dir, 'a.log')
      const link = join(tmp.dir, 'b.log')
      writeFileSync(log, '')
      execFileSync('ln', [log, link])
      const [f1, c1] = await follow(log)
      const [, c2] = await follow(link)
      appendFileSync(log, '1\n')
      await c1.lineCount(1)
      await c2.lineCount(1)
      await f1.close()
      appendFileSync(log, '2\n')
      await c2.lineCount(2)
      expect(c2.texts).toEqual(['1', '2'])
      expect(c1.texts).toEqual(['1'])
    })

    it('stops reading while the consumer has not settled, and resumes without loss', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const f = new Follower(log, { ...base(), maxInFlight: 1, maxBatchBytes: 4096 })
      tmp.track(f)
      const got: string[] = []
      let release: () => void = () => undefined
      let calls = 0
      f.on((e) => {
        if (e.type !== 'lines') return
        calls++
        got.push(...e.lines.map((l) => l.text))
        return new Promise<void>((r) => (release = r))
      })
      await f.start()
      appendFileSync(log, text(seq(1, 5000)))
      await waitFor(() => calls === 1, 'the first batch')
      await sleep(200)
      expect(calls).toBe(1) // nothing more read while the first batch is unsettled
      for (let i = 0; i < 10_000 && got.length < 5000; i++) {
        release()
        await sleep(1)
      }
      await waitFor(() => got.length === 5000, 'all lines after releasing')
      expect(got).toEqual(seq(1, 5000))
    })

    it('close() twice is fine, and nothing arrives after close', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [f, c] = await follow(log)
      await f.close()
      await f.close()
      appendFileSync(log, 'late\n')
      await sleep(100)
      expect(c.lines).toEqual([])
      expect(f.state).toBe('closed')
    })

    it('emits the unterminated remainder of a deleted file flagged partial', async () => {
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const [, c] = await follow(log, { rotateGraceMs: 100 })
      appendFileSync(log, 'whole\nabc')
      await c.lineCount(1)
      unlinkSync(log)
      await c.lineCount(2)
      expect(c.lines[1]).toMatchObject({ text: 'abc', partial: true })
    })
  })
}
