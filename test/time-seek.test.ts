/**
 * Issue 11, jump to a time: the first line at or after a target over every supported format,
 * continuation lines at probe points, runs of equal times, small disorder, targets outside the
 * file, and a clear error for a file without timestamps.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createFileSource } from '../src/follow/file-source.js'
import { epochMs, parseIso, sniffFormat } from '../src/history/time-parse.js'
import { NoTimestampsError, seekTime } from '../src/history/time-seek.js'
import { createApp } from '../src/server/app.js'
import { useTempDir } from './helpers/fs.js'
import { memoryReader } from './helpers/memory-history.js'

const enc = new TextEncoder()
const T0 = Date.UTC(2026, 11, 1, 10, 0, 0)
const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const p2 = (n: number) => String(n).padStart(2, '0')

const FORMATS: Record<string, (ms: number, i: number) => string> = {
  iso: (ms, i) => `${new Date(ms).toISOString()} INFO request ${i} done`,
  isoOffset: (ms, i) => {
    const d = new Date(ms + 3_600_000)
    return `${d.toISOString().slice(0, 19).replace('T', ' ')}+01:00 [main] event ${i}`
  },
  syslog: (ms, i) => {
    const d = new Date(ms)
    const day = String(d.getUTCDate()).padStart(2, ' ')
    return `${MON[d.getUTCMonth()]} ${day} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} host app[1]: event ${i}`
  },
  clf: (ms, i) => {
    const d = new Date(ms)
    return `127.0.0.1 - - [${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000] "GET /${i} HTTP/1.1" 200 12`
  },
  jsonIso: (ms, i) =>
    JSON.stringify({ level: 'info', msg: `event ${i}`, time: new Date(ms).toISOString() }),
  jsonEpochMs: (ms, i) => JSON.stringify({ msg: `event ${i}`, ts: ms }),
  jsonEpochS: (ms, i) => JSON.stringify({ '@timestamp': Math.floor(ms / 1000), msg: `event ${i}` }),
}

/** A log of n stamped lines a second apart (some repeated), some followed by stack traces. */
function log(format: (ms: number, i: number) => string, n: number, trace = 0) {
  const lines: string[] = []
  const stamps: { line: number; ms: number }[] = []
  for (let i = 0; i < n; i++) {
    const ms = T0 + Math.floor(i / 3) * 1000
    stamps.push({ line: lines.length, ms })
    lines.push(format(ms, i))
    if (trace > 0 && i % 97 === 5) {
      for (let k = 0; k < trace; k++) lines.push(`    at frame${k} (file.js:${k}:1)`)
    }
  }
  const text = lines.map((l) => `${l}\n`).join('')
  const offsets: number[] = []
  let at = 0
  for (const l of lines) {
    offsets.push(at)
    at += Buffer.byteLength(l) + 1
  }
  /** The oracle: the first stamped line at or after `target`, by a linear scan. */
  const expected = (target: number) => {
    const s = stamps.find((x) => x.ms >= target)
    return s ? (offsets[s.line] as number) : Buffer.byteLength(text)
  }
  return { data: enc.encode(text), expected }
}

describe('time parsing', () => {
  it('reads each format and epoch lengths', () => {
    expect(parseIso('2026-12-01T10:00:00.250+01:00 x')).toBe(T0 - 3_600_000 + 250)
    expect(parseIso('2026-12-01 10:00:00 x')).toBe(T0)
    expect(epochMs('1796119200')).toBe(T0)
    expect(epochMs('1796119200000')).toBe(T0)
    expect(epochMs('1796119200000000')).toBe(T0)
    expect(epochMs('1796119200000000000')).toBe(T0)
    expect(epochMs('1796119200', '5')).toBe(T0 + 500)
    expect(sniffFormat(['no time here', '    at x', 'Dec  1 10:00:00 host a: b'], T0)).toBe(
      'syslog'
    )
    expect(sniffFormat(['{"a":1}', 'plain'], T0)).toBeNull()
  })
})

describe('seekTime', () => {
  for (const [name, format] of Object.entries(FORMATS)) {
    it(`${name}: every target lands on the first line at or after it`, async () => {
      const { data, expected } = log(format, 9000, name === 'iso' ? 40 : 3)
      expect(data.length).toBeGreaterThan(4 * 64 * 1024)
      const reader = memoryReader(data)
      const targets = [T0 - 86_400_000, T0, T0 + 1, T0 + 999_999_999]
      for (let k = 0; k < 25; k++)
        targets.push(T0 + Math.floor(((k * 7919) % 2000) * 1000 + (k % 3) * 333))
      for (const target of targets) {
        const { offset } = await seekTime(reader, target, T0 + 86_400_000)
        expect(offset, `${name} at ${new Date(target).toISOString()}`).toBe(expected(target))
      }
    })
  }

  it('continuation runs longer than a probe read and lines longer than a read', async () => {
    const lines: string[] = []
    for (let i = 0; i < 40; i++) {
      lines.push(`${new Date(T0 + i * 60_000).toISOString()} start ${i}`)
      const n = i % 4 === 0 ? 3000 : 2
      for (let k = 0; k < n; k++) lines.push(`  trace ${i}.${k}`)
      if (i % 5 === 0) lines.push('x'.repeat(200_000))
    }
    const text = lines.map((l) => `${l}\n`).join('')
    const reader = memoryReader(enc.encode(text))
    for (let i = 0; i < 40; i += 3) {
      const { offset } = await seekTime(reader, T0 + i * 60_000 - 1)
      const stamp = `${new Date(T0 + i * 60_000).toISOString()} start ${i}\n`
      const want = Buffer.byteLength(text.slice(0, text.indexOf(stamp)))
      expect(offset, `minute ${i}`).toBe(want)
    }
  })

  it('small disorder: the first line in file order at or after the target', async () => {
    const rows = [0, 1, 2, 4, 3, 5, 7, 6, 8, 9].map(
      (s) => `${new Date(T0 + s * 1000).toISOString()} e${s}`
    )
    const text = rows.map((l) => `${l}\n`).join('')
    const reader = memoryReader(enc.encode(text))
    const { offset } = await seekTime(reader, T0 + 3000)
    expect(text.slice(offset).split('\n')[0]).toMatch(/ e4$/)
  })

  it('no recognisable timestamps: a clear error; an empty file: offset 0', async () => {
    await expect(seekTime(memoryReader(enc.encode('hello\nworld\n')), T0)).rejects.toBeInstanceOf(
      NoTimestampsError
    )
    expect((await seekTime(memoryReader(new Uint8Array(0)), T0)).offset).toBe(0)
  })
})

describe('GET /api/lines?at=', () => {
  const tmp = useTempDir()

  it('returns lines from the first at or after the time, with its cursor', async () => {
    const path = join(tmp.dir, 'app.log')
    const lines = Array.from(
      { length: 500 },
      (_, i) => `${new Date(T0 + i * 1000).toISOString()} n=${i}`
    )
    writeFileSync(path, lines.map((l) => `${l}\n`).join(''))
    const src = tmp.track(await createFileSource('app', path))
    const t = createApp({ sources: [src], version: 't' })
    tmp.track({ close: async () => t.close() })
    const get = async (q: string, status = 200) => {
      const res = await t.app.request(`/api/lines?${q}`)
      expect(res.status, q).toBe(status)
      return (await res.json()) as Record<string, unknown> & {
        lines: string[]
        error?: { code: string }
      }
    }
    const r = await get(`at=2026-12-01T10:01:40Z&limit=3`)
    expect(r.lines).toEqual(lines.slice(100, 103))
    expect(typeof r.at).toBe('string')
    const back = await get(`before=${r.at}&limit=1`)
    expect(back.lines).toEqual([lines[99]])
    // The '+' of a zone arrives as a space unless encoded; both work. So do epoch ms.
    expect((await get(`at=2026-12-01T11:01:40.5+01:00&limit=1`)).lines).toEqual([lines[101]])
    expect((await get(`at=${T0 + 7000}&limit=1`)).lines).toEqual([lines[7]])
    expect((await get(`at=2027-01-01T00:00:00Z`)).lines).toEqual([])
    expect((await get('at=yesterday', 400)).error?.code).toBe('bad_param')
    expect((await get(`at=${T0}&before=${r.at}`, 400)).error?.code).toBe('bad_param')
  })

  it('400 no_timestamps for a file without timestamps', async () => {
    const path = join(tmp.dir, 'plain.log')
    writeFileSync(path, 'hello\nworld\n')
    const src = tmp.track(await createFileSource('plain', path))
    const t = createApp({ sources: [src], version: 't' })
    tmp.track({ close: async () => t.close() })
    const res = await t.app.request(`/api/lines?at=${T0}`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string; param: string } }).error).toMatchObject({
      code: 'no_timestamps',
      param: 'at',
    })
  })
})
