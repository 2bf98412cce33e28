/**
 * The LogSource contract, run once per implementation (local file with native notification and
 * with polling, Redis edge, the test fake), as the follower contract is run per backend: the
 * HTTP app (attach, broadcaster, API, search and download routes) relies on exactly this, so
 * every implementation must pass all of it. What an implementation cannot do (downloads on an
 * edge, rotation of the fake's "file" by rename) is declared by its harness, never skipped
 * silently.
 */
import { describe, expect, it } from 'vitest'
import type { LogSource, Position, Stale } from '../src/core/log-source.js'
import type { FollowEvent, LinesResult, LogLine } from '../src/core/types.js'
import { sleep, waitFor } from './helpers/fs.js'

export interface Capabilities {
  /** openRange serves the bytes (an edge has only lines: it answers Stale). */
  download: boolean
  /** A second instance over the same data resolves the first one's cursors. */
  restart: boolean
}

/** One source over a log that starts empty, and the hands to change that log. */
export interface Subject {
  readonly source: LogSource
  /** Appends raw bytes to the log; delivery happens when the source reads them. */
  append(data: string | Uint8Array): Promise<void>
  /** The path now names a new, empty file (the old one renamed away). */
  rotate(): Promise<void>
  /** The file is cut to zero bytes in place. */
  truncate(): Promise<void>
  /** Another instance over the same data, as after a restart (only with caps.restart). */
  reopen(): Promise<LogSource>
}

export interface SourceHarness {
  caps: Capabilities
  /** The longest piece the source cuts a line into. */
  maxLineBytes: number
  /** How long a line may take from append to delivery in the worst case here. */
  deliveryMs: number
  /** A fresh subject; everything it opened is closed after the test. */
  make(): Promise<Subject>
  /** Closes everything made since the last call. */
  cleanup(): Promise<void>
}

const enc = new TextEncoder()
const bytesOf = (s: string | Uint8Array) => (typeof s === 'string' ? enc.encode(s) : s)
const lines = (from: number, to: number, p = 'line'): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${p} ${from + i} ${'x'.repeat((from + i) % 9)}`)
const text = (ls: string[]) => ls.map((l) => l + '\n').join('')
const texts = (ls: LogLine[]) => ls.map((l) => l.text)

/**
 * Whole lines from lines and pieces in file order: a LogLine that starts right where the one
 * before it ended (no '\n' between) continues it, whether a cont piece or a line a page window
 * cut (the local source's readBefore may start a page inside its oldest line). Throws when the
 * offsets do not chain, which is a lost or doubled byte.
 */
function joinLines(ls: LogLine[]): string[] {
  const out: string[] = []
  let end = -1
  for (const l of ls) {
    if (l.offset === end && out.length > 0) out[out.length - 1] += l.text
    else if (end === -1 || l.offset === end + 1) out.push(l.text)
    else throw new Error(`line at ${l.offset} does not follow the one ending at ${end}`)
    end = l.offset + enc.encode(l.text).length
  }
  return out
}

function ok<T extends object>(r: T | Stale, what: string): T {
  if ('stale' in r) throw new Error(`${what}: stale (${r.reason})`)
  return r
}

/** Everything a source emits, checked as it arrives: batches start where the position was. */
class Recorder {
  readonly events: FollowEvent[] = []
  readonly lines: LogLine[] = []
  readonly faults: string[] = []
  constructor(readonly source: LogSource) {
    let at = source.position()
    source.subscribe((e) => {
      this.events.push(e)
      if (e.type !== 'lines') return void (at = source.position())
      if (e.previous) return void this.lines.push(...e.lines)
      const now = source.position()
      if (e.start !== (e.lines[0]?.offset ?? e.start)) this.faults.push(`start ${e.start}`)
      if (at.gen === now.gen && e.start < at.offset) this.faults.push(`overlap at ${e.start}`)
      if (now.cursor !== e.cursor || now.offset !== e.end) this.faults.push(`cursor ${e.cursor}`)
      at = now
      this.lines.push(...e.lines)
    })
  }
  get texts(): string[] {
    return texts(this.lines)
  }
  kinds(): string[] {
    return this.events.filter((e) => e.type !== 'lines').map((e) => e.type)
  }
}

export function logSourceContract(label: string, harness: () => SourceHarness): void {
  describe(`LogSource contract (${label})`, () => {
    let h: SourceHarness
    let s: Subject
    let rec: Recorder
    let written = 0

    async function start(): Promise<void> {
      h = harness()
      s = await h.make()
      rec = new Recorder(s.source)
      written = 0
    }

    /** Appends and waits until the source has delivered all of it. */
    async function deliver(data: string | Uint8Array): Promise<void> {
      const b = bytesOf(data)
      written += b.length
      await s.append(b)
      await waitFor(
        () => s.source.position().offset >= written,
        `offset ${written} (at ${s.source.position().offset})`,
        h.deliveryMs
      )
    }

    /** The cursor at offset 0 of the current generation (what a full history read starts at). */
    async function origin(): Promise<string> {
      const t = ok(await s.source.tail(1_000_000, s.source.position()), 'tail to the start')
      expect(t.more).toBe(false)
      return t.first
    }

    async function forwardAll(from: string, until: Position, maxBytes: number) {
      const pages: LinesResult[] = []
      for (let c = from, i = 0; i < 10_000; i++) {
        const r = ok(await s.source.readAfter(c, until, maxBytes), `readAfter page ${i}`)
        expect(r.first).toBe(c)
        pages.push(r)
        if (!r.more) break
        expect(r.last, 'a page that makes no progress').not.toBe(c)
        c = r.last
      }
      return pages
    }

    const run = (name: string, fn: () => Promise<void>, ms = 30_000) =>
      it(
        name,
        async () => {
          await start()
          try {
            await fn()
            expect(rec.faults).toEqual([])
          } finally {
            await h.cleanup()
          }
        },
        ms
      )

    run('delivers each line once, in order: invalid UTF-8, CRLF, empty lines', async () => {
      await deliver('plain\r\n\n\nlast\r\n')
      await deliver(new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a, 0xe2, 0x82, 0x0a]))
      await deliver('é ü 日本\n')
      expect(rec.texts).toEqual(['plain', '', '', 'last', 'a\ufffd\ufffdb', '\ufffd', 'é ü 日本'])
      expect(rec.lines.map((l) => l.offset)).toEqual([0, 7, 8, 9, 15, 20, 23])
      const all = ok(await s.source.tail(100, s.source.position()), 'tail')
      expect(all.lines).toEqual(rec.lines)
    })

    run('info(): size, state and backend', async () => {
      await deliver(text(lines(1, 10)))
      await waitFor(() => s.source.info().state === 'following', 'state following', h.deliveryMs)
      const i = s.source.info()
      expect(i.size).toBe(written)
      expect(['inotify', 'kqueue', 'poll']).toContain(i.backend.backend)
      expect(typeof s.source.id).toBe('string')
      expect(s.source.path.length).toBeGreaterThan(0)
    })

    run('unsubscribe stops delivery to that listener only', async () => {
      const got: string[] = []
      const off = s.source.subscribe(
        (e) => void (e.type === 'lines' && got.push(...texts(e.lines)))
      )
      await deliver('one\n')
      off()
      await deliver('two\n')
      expect(got).toEqual(['one'])
      expect(rec.texts).toEqual(['one', 'two'])
    })

    run(
      'subscribe + position() in one tick hand over gap-free while lines are written',
      async () => {
        const sent: string[] = []
        let late: { at: Position; got: LogLine[] } | null = null
        for (let i = 1; i <= 40; i++) {
          const ls = lines(i * 10, i * 10 + 9)
          sent.push(...ls)
          written += bytesOf(text(ls)).length
          await s.append(text(ls))
          await sleep(3)
          if (i === 20) {
            const got: LogLine[] = []
            s.source.subscribe((e) => void (e.type === 'lines' && got.push(...e.lines)))
            late = { at: s.source.position(), got }
          }
        }
        await waitFor(() => rec.lines.length === sent.length, 'all lines', h.deliveryMs)
        const { at, got } = late as unknown as { at: Position; got: LogLine[] }
        expect(got[0]?.offset).toBe(at.offset)
        const history = (await forwardAll(await origin(), at, 1 << 20)).flatMap((p) => p.lines)
        expect(texts([...history, ...got])).toEqual(sent)
        expect(rec.texts).toEqual(sent)
      }
    )

    run('tail(n, at) is exactly the last n complete lines ending at `at`', async () => {
      const sent = lines(1, 30)
      await deliver(text(sent.slice(0, 20)))
      const at = s.source.position()
      await deliver(text(sent.slice(20)))
      for (const n of [1, 7, 20, 50]) {
        const t = ok(await s.source.tail(n, at), `tail ${n}`)
        expect(texts(t.lines)).toEqual(sent.slice(Math.max(0, 20 - n), 20))
        expect(t.last).toBe(at.cursor)
        expect(t.more).toBe(n < 20)
        const c = await s.source.check(t.first)
        expect(c).toEqual({ ok: true, offset: t.lines[0]?.offset })
      }
      const none = ok(await s.source.tail(0, at), 'tail 0')
      expect(none.lines).toEqual([])
      const head = ok(await s.source.tail(3, s.source.position()), 'tail at head')
      expect(texts(head.lines)).toEqual(sent.slice(27))
    })

    run('readAfter pages forward exactly, whatever the page size', async () => {
      const sent = lines(1, 300)
      for (let i = 0; i < 300; i += 50) await deliver(text(sent.slice(i, i + 50)))
      const until = s.source.position()
      const from = await origin()
      for (const maxBytes of [1, 37, 1000, 1 << 20]) {
        const pages = await forwardAll(from, until, maxBytes)
        expect(joinLines(pages.flatMap((p) => p.lines)), `maxBytes ${maxBytes}`).toEqual(sent)
        expect(pages.at(-1)?.last).toBe(until.cursor)
        expect(pages.slice(0, -1).every((p) => p.more)).toBe(true)
        for (const p of pages) expect(await s.source.check(p.last)).toMatchObject({ ok: true })
      }
    })

    run('readAfter stops at `until`, answers ahead past it', async () => {
      const sent = lines(1, 40)
      await deliver(text(sent.slice(0, 25)))
      const mid = s.source.position()
      await deliver(text(sent.slice(25)))
      const head = s.source.position()
      const got = (await forwardAll(await origin(), mid, 1 << 20)).flatMap((p) => p.lines)
      expect(texts(got)).toEqual(sent.slice(0, 25))
      expect(await s.source.readAfter(head.cursor, mid, 1 << 20)).toEqual({
        stale: true,
        reason: 'ahead',
      })
      const none = ok(await s.source.readAfter(head.cursor, head, 1 << 20), 'at head')
      expect(none).toMatchObject({ lines: [], last: head.cursor, more: false })
    })

    run('readBefore pages backward exactly down to the start', async () => {
      const sent = lines(1, 120)
      for (let i = 0; i < 120; i += 40) await deliver(text(sent.slice(i, i + 40)))
      for (const [n, maxBytes] of [
        [7, 1 << 20],
        [1000, 100],
        [1, 1],
      ] as const) {
        let c = s.source.position().cursor
        const got: LogLine[][] = []
        for (let i = 0; i < 5000; i++) {
          const r = ok(await s.source.readBefore(c, n, maxBytes), `readBefore ${i}`)
          expect(r.last).toBe(c)
          expect(r.lines.length).toBeLessThanOrEqual(n)
          expect(await s.source.check(r.first)).toEqual({ ok: true, offset: r.lines[0]?.offset })
          got.unshift(r.lines)
          if (!r.more) break
          expect(r.first).not.toBe(c)
          c = r.first
        }
        expect(joinLines(got.flat()), `n ${n}, maxBytes ${maxBytes}`).toEqual(sent)
      }
    })

    run('check(): ok, malformed, ahead, stale', async () => {
      await deliver(text(lines(1, 10)))
      await deliver(text(lines(11, 20)))
      const cursors = rec.events.flatMap((e) => (e.type === 'lines' ? [e] : []))
      for (const e of cursors)
        expect(await s.source.check(e.cursor)).toEqual({ ok: true, offset: e.end })
      const head = s.source.position().cursor
      const [off, fp] = head.split('-') as [string, string]
      for (const bad of ['', 'garbage', '12-zz', `${off}-`, `-${fp}`, `${'9'.repeat(30)}-${fp}`]) {
        expect(await s.source.check(bad), JSON.stringify(bad)).toEqual({
          ok: false,
          reason: 'malformed',
        })
      }
      expect(await s.source.check(`${Number(off) + 100}-${fp}`)).toEqual({
        ok: false,
        reason: 'ahead',
      })
      const other = `${off}-${fp.slice(0, -1)}${fp.endsWith('0') ? '1' : '0'}`
      expect(await s.source.check(other)).toEqual({ ok: false, reason: 'stale' })
    })

    run('after a truncation: an event, new lines from 0, old cursors stale', async () => {
      await deliver(text(lines(1, 5, 'old')))
      const old = s.source.position()
      await s.truncate()
      await waitFor(() => rec.kinds().includes('truncated'), 'a truncated event', h.deliveryMs)
      written = 0
      const fresh = lines(1, 30, 'new')
      await deliver(text(fresh))
      expect(rec.texts).toEqual([...lines(1, 5, 'old'), ...fresh])
      expect(s.source.position().gen).not.toBe(old.gen)
      expect(await s.source.check(old.cursor)).toEqual({ ok: false, reason: 'stale' })
      expect(await s.source.readAfter(old.cursor, s.source.position(), 1 << 20)).toMatchObject({
        stale: true,
      })
      const t = ok(await s.source.tail(100, s.source.position()), 'tail after truncation')
      expect(texts(t.lines)).toEqual(fresh)
    })

    run('after a rotation: an event, the new file from 0, old cursors stale', async () => {
      await deliver(text(lines(1, 5, 'old')))
      const old = s.source.position()
      await s.rotate()
      await waitFor(() => rec.kinds().includes('rotated'), 'a rotated event', h.deliveryMs)
      written = 0
      const fresh = lines(1, 30, 'new')
      await deliver(text(fresh))
      expect(rec.texts).toEqual([...lines(1, 5, 'old'), ...fresh])
      expect(await s.source.check(old.cursor)).toEqual({ ok: false, reason: 'stale' })
      const t = ok(await s.source.tail(100, s.source.position()), 'tail after rotation')
      expect(texts(t.lines)).toEqual(fresh)
      const pages = await forwardAll(t.first, s.source.position(), 100)
      expect(texts(pages.flatMap((p) => p.lines))).toEqual(fresh)
    })

    run(
      'long lines are cut into cont pieces, live and in history, and pages progress',
      async () => {
        const max = h.maxLineBytes
        const long = 'ab'.repeat(Math.ceil((max * 3.5) / 2))
        await deliver('before\n' + long + '\nafter\n')
        const pieces = rec.lines.slice(1, -1)
        expect(pieces.length).toBe(4)
        expect(pieces.slice(0, -1).every((l) => l.cont === true)).toBe(true)
        expect(pieces.at(-1)?.cont).toBeUndefined()
        expect(pieces.map((l) => l.text).join('')).toBe(long)
        expect(pieces.every((l) => bytesOf(l.text).length <= max)).toBe(true)
        expect(rec.texts.at(-1)).toBe('after')
        for (const maxBytes of [1, max * 2]) {
          const pages = await forwardAll(await origin(), s.source.position(), maxBytes)
          const got = pages.flatMap((p) => p.lines)
          expect(got[0]?.text).toBe('before')
          expect(
            got
              .slice(1, -1)
              .map((l) => l.text)
              .join('')
          ).toBe(long)
          expect(got.at(-1)?.text).toBe('after')
        }
        const t = ok(await s.source.tail(1, s.source.position()), 'tail 1')
        expect(texts(t.lines)).toEqual(['after'])
        // Pieces count as lines: the last two are the long line's last piece and 'after'.
        const two = ok(await s.source.tail(2, s.source.position()), 'tail 2')
        expect(two.lines).toEqual(rec.lines.slice(-2))
        const at = pieces.at(-1)?.offset
        expect(await s.source.check(two.first)).toEqual({ ok: true, offset: at })
        const back = ok(await s.source.readBefore(two.first, 2, 1 << 20), 'readBefore a piece')
        expect(back.lines).toEqual(pieces.slice(-3, -1))
      }
    )

    run(
      'openRange returns exactly the bytes asked for (or Stale where not supported)',
      async () => {
        const data = text(lines(1, 2000))
        await deliver(data)
        const all = bytesOf(data)
        for (const [from, to] of [
          [0, all.length],
          [5, 5],
          [17, all.length - 3],
        ] as const) {
          const r = await s.source.openRange(from, to)
          if (!h.caps.download) {
            expect(r).toMatchObject({ stale: true })
            continue
          }
          if ('stale' in r) throw new Error(`openRange ${from}-${to}: ${r.reason}`)
          const got = new Uint8Array(await new Response(r).arrayBuffer())
          expect(Buffer.from(got).equals(Buffer.from(all.subarray(from, to)))).toBe(true)
        }
      }
    )

    run('cursors survive a restart (a new instance over the same data)', async () => {
      const sent = lines(1, 50)
      await deliver(text(sent.slice(0, 20)))
      const mid = s.source.position()
      await deliver(text(sent.slice(20)))
      if (!h.caps.restart) return
      const again = await s.reopen()
      await waitFor(
        () => again.position().offset === written,
        'the new instance at the head',
        h.deliveryMs
      )
      expect(await again.check(mid.cursor)).toEqual({ ok: true, offset: mid.offset })
      expect(again.position().cursor).toBe(s.source.position().cursor)
      const r = ok(await again.readAfter(mid.cursor, again.position(), 1 << 20), 'readAfter')
      expect(texts(r.lines)).toEqual(sent.slice(20))
    })

    run(
      'backpressure: a listener that holds its batches stops reading; release resumes',
      async () => {
        const sent: string[] = []
        const release: (() => void)[] = []
        let holding = true
        let batches = 0
        const got: string[] = []
        s.source.subscribe((e) => {
          if (e.type !== 'lines') return
          batches++
          got.push(...texts(e.lines))
          if (holding) return new Promise<void>((r) => release.push(r))
        })
        const write = async (rounds: number) => {
          for (let i = 0; i < rounds; i++) {
            const ls = lines(sent.length + 1, sent.length + 40, 'bp')
            sent.push(...ls)
            await s.append(text(ls))
            await sleep(5)
          }
        }
        await write(40)
        await sleep(300)
        const firstHalf = sent.length
        const stalled = batches
        expect(stalled).toBeGreaterThan(0)
        expect(stalled).toBeLessThanOrEqual(8)
        const offset = s.source.position().offset
        await write(40) // the file keeps growing: the source must not read any of it
        await sleep(300)
        expect(batches).toBe(stalled)
        expect(s.source.position().offset).toBe(offset)
        expect(got.length).toBeLessThanOrEqual(firstHalf)
        holding = false
        for (const r of release.splice(0)) r()
        await waitFor(() => got.length >= sent.length, `all ${sent.length} lines`, h.deliveryMs * 4)
        expect(got).toEqual(sent)
        expect(rec.texts).toEqual(sent)
      }
    )
  })
}
