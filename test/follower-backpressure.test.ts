/**
 * Backpressure at the Follower: a consumer that does not take its batches costs a bounded
 * number of bytes read, however much the file grows meanwhile, and once it takes them again
 * every line arrives once, in order, from the file (the file is the buffer).
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Follower, type FollowerOptions } from '../src/follow/follower.js'
import { loadNative } from '../src/follow/native.js'
import { sleep, useTempDir, waitFor } from './helpers/fs.js'

const LINE = 100
const line = (i: number): string => `line ${i} `.padEnd(LINE - 1, '.')
const block = (from: number, n: number): string =>
  Array.from({ length: n }, (_, k) => line(from + k) + '\n').join('')

const native = loadNative()
const backends: [string, FollowerOptions][] = [['poll', { poll: true, native: null }]]
if (native.binding) backends.unshift(['native', { native: native.binding }])

for (const [label, base] of backends) {
  describe(`follower backpressure (${label})`, () => {
    const tmp = useTempDir()

    it('a consumer that never settles stops the reading; settling resumes it without loss', async () => {
      const maxInFlight = 2
      const maxBatchBytes = 64 * 1024
      const log = join(tmp.dir, 'a.log')
      writeFileSync(log, '')
      const f = tmp.track(
        new Follower(log, { ...base, maxInFlight, maxBatchBytes, safetyTickMs: 50 })
      )
      const got: string[] = []
      let bytesRead = 0
      let batches = 0
      let holding = true
      const held: (() => void)[] = []
      f.on((e) => {
        if (e.type !== 'lines') return
        batches++
        bytesRead += e.end - e.start
        got.push(...e.lines.map((l) => l.text))
        if (!holding) return
        return new Promise<void>((r) => held.push(r))
      })
      await f.start()

      const bound = maxInFlight * maxBatchBytes + LINE
      const perStep = 10_000 // 1 MB of lines per step
      const steps = 5
      for (let s = 0; s < steps; s++) {
        appendFileSync(log, block(s * perStep, perStep))
        await sleep(150) // several wake-ups and safety ticks while the consumer holds on
        expect(bytesRead).toBeLessThanOrEqual(bound)
      }
      expect(batches).toBe(maxInFlight)
      expect(bytesRead).toBeGreaterThan(0)
      // Still checking the file while paused (that is how rotations meanwhile are seen).
      await waitFor(() => f.size === steps * perStep * LINE, 'the paused follower to see the size')
      expect(bytesRead).toBeLessThanOrEqual(bound)

      holding = false
      for (const r of held.splice(0)) r()
      const total = steps * perStep
      await waitFor(() => got.length >= total, `all ${total} lines (have ${got.length})`, 20_000)
      await sleep(100)
      expect(got.length).toBe(total)
      for (let i = 0; i < total; i++) {
        if (got[i] !== line(i)) expect(`line ${i}: ${got[i]}`).toBe(`line ${i}: ${line(i)}`)
      }
      expect(bytesRead).toBe(total * LINE)
    })

    it('a consumer that settles often does not starve the full check (the size stays current)', async () => {
      const log = join(tmp.dir, 'b.log')
      writeFileSync(log, '')
      const f = tmp.track(
        new Follower(log, { ...base, maxInFlight: 1, maxBatchBytes: 16 * 1024, safetyTickMs: 100 })
      )
      let bytesRead = 0
      // Takes each batch a moment later: a pass ends every few milliseconds while the backlog lasts.
      f.on((e) => {
        if (e.type !== 'lines') return
        bytesRead += e.end - e.start
        return sleep(2)
      })
      await f.start()
      const total = 20_000 * LINE
      appendFileSync(log, block(0, 20_000))
      // 2 MB at 16 KiB per 2 ms takes about 250 ms; the size must be known well before that.
      await waitFor(() => f.size === total, 'the follower to see the whole size', 2000)
      expect(bytesRead).toBeLessThan(total)
      await waitFor(() => bytesRead === total, 'every byte read', 10_000)
    })
  })
}
