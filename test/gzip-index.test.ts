/**
 * The gzip checkpoint index (src/archive/gzip-index.ts): every range read from a checkpoint is
 * byte for byte what gunzip gives, at any offset, across compression levels and concatenated
 * members; a read inflates at most about one checkpoint spacing more than it returns.
 */
import { writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { inflateStats, readGz } from '../src/archive/gzip-index.js'
import { buildGzIndex, GzIndexer } from '../src/archive/gzip-indexer.js'
import { useTempDir } from './helpers/fs.js'

const tmp = useTempDir()

/** Log-like text with some randomness, so deflate makes many blocks of both kinds. */
function logText(lines: number, seed: number): Buffer {
  let x = seed
  const rnd = () => (x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32
  const out: string[] = []
  for (let i = 0; i < lines; i++) {
    const words = Array.from({ length: 3 + Math.floor(rnd() * 12) }, () =>
      Math.floor(rnd() * 1e9).toString(36)
    )
    out.push(`2026-12-01T10:00:${String(i % 60).padStart(2, '0')}Z line ${i} ${words.join(' ')}\n`)
  }
  return Buffer.from(out.join(''))
}

async function indexOf(gz: Buffer, span: number) {
  const path = join(tmp.dir, `f${Math.random().toString(36).slice(2)}.gz`)
  writeFileSync(path, gz)
  const fh = await open(path, 'r')
  tmp.track({ close: () => fh.close() })
  return { fh, path, index: await buildGzIndex(fh, path, span) }
}

describe('gzip checkpoint index', () => {
  for (const level of [1, 6, 9]) {
    it(`random ranges equal gunzip's bytes (level ${level})`, async () => {
      const plain = logText(40_000, level)
      const { fh, path, index } = await indexOf(gzipSync(plain, { level }), 64 * 1024)
      expect(index.size).toBe(plain.length)
      expect(index.points.length).toBeGreaterThan(10)
      let x = 7
      const rnd = (n: number) => (x = (x * 1103515245 + 12345) >>> 0) % n
      for (let i = 0; i < 60; i++) {
        const pos = i === 0 ? 0 : i === 1 ? plain.length - 10 : rnd(plain.length)
        const len = 1 + rnd(200_000)
        const got = await readGz(fh, path, index, pos, len)
        expect(Buffer.from(got).equals(plain.subarray(pos, pos + len)), `${pos}+${len}`).toBe(true)
      }
    })
  }

  it('concatenated members read as one stream', async () => {
    const a = logText(5000, 1)
    const b = logText(7000, 2)
    const gz = Buffer.concat([gzipSync(a), gzipSync(b)])
    const { fh, path, index } = await indexOf(gz, 32 * 1024)
    const plain = Buffer.concat([a, b])
    expect(index.size).toBe(plain.length)
    for (const pos of [0, a.length - 100, a.length, a.length + 5, plain.length - 1]) {
      const got = await readGz(fh, path, index, pos, 300_000)
      expect(Buffer.from(got).equals(plain.subarray(pos, pos + 300_000)), `${pos}`).toBe(true)
    }
    expect(gunzipSync(gz).equals(plain)).toBe(true)
  })

  it('a read near the end inflates about one spacing, not the file', async () => {
    const plain = logText(60_000, 3)
    const span = 128 * 1024
    const { fh, path, index } = await indexOf(gzipSync(plain), span)
    const before = inflateStats.inflated
    await readGz(fh, path, index, plain.length - 4096, 4096)
    const cost = inflateStats.inflated - before
    expect(cost).toBeLessThan(2 * span + 4096 + 256 * 1024)
    expect(cost).toBeLessThan(plain.length / 4)
  })

  it('bounded: a file needing more checkpoints doubles the spacing', async () => {
    const plain = logText(60_000, 4)
    const { index } = await indexOf(gzipSync(plain), 1024)
    expect(index.points.length).toBeLessThanOrEqual(256)
    expect(index.bytes).toBeLessThanOrEqual(256 * (32 * 1024 + 64))
  })

  it('built in steps of a budget: the same index, each step inflating about its budget', async () => {
    const plain = logText(30_000, 6)
    const { fh, path, index } = await indexOf(gzipSync(plain), 64 * 1024)
    const ix = new GzIndexer(path, 64 * 1024)
    const budget = 100 * 1024
    let steps = 0
    for (;;) {
      const at = inflateStats.inflated
      const r = await ix.step(fh, budget)
      expect(inflateStats.inflated - at).toBeLessThanOrEqual(budget + 256 * 1024)
      steps++
      if (r) {
        expect(r.size).toBe(index.size)
        expect(r.points.map((p) => [p.out, p.in, p.bits])).toEqual(
          index.points.map((p) => [p.out, p.in, p.bits])
        )
        break
      }
      expect(ix.indexed).toBeLessThanOrEqual(plain.length)
    }
    expect(steps).toBeGreaterThan(plain.length / (budget + 256 * 1024))
  })

  it('not gzip data: an error with a code and the path', async () => {
    const path = join(tmp.dir, 'bad.gz')
    writeFileSync(path, 'this is not gzip\n')
    const fh = await open(path, 'r')
    tmp.track({ close: () => fh.close() })
    await expect(buildGzIndex(fh, path)).rejects.toMatchObject({ code: 'bad_archive', path })
    const cut = join(tmp.dir, 'cut.gz')
    writeFileSync(cut, gzipSync(logText(2000, 5)).subarray(0, 5000))
    const fh2 = await open(cut, 'r')
    tmp.track({ close: () => fh2.close() })
    await expect(buildGzIndex(fh2, cut)).rejects.toMatchObject({ code: 'bad_archive' })
  })
})
