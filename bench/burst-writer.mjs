#!/usr/bin/env node
/**
 * @module The writer of bench/burst.mjs and bench/rate.mjs, in a process of its own (forked) so
 * that generating lines never competes with the parent's timers: appends token lines
 * (lib/line-tokens.mjs) to a file, either N of them at disk speed in big writes (`burst`) or
 * RATE a second for SECONDS, each tick's due lines in one write (`rate`), and reports when the
 * last byte was written.
 *
 *   message {mode: 'burst', file, lines, lineBytes, chunkBytes}
 *   message {mode: 'rate', file, rate, seconds, lineBytes}      → {type: 'done', endAt, lines, bytes}
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { now, sleep } from './lib/clock.mjs'
import { tokenLine } from './lib/line-tokens.mjs'

function burst({ file, lines, lineBytes, chunkBytes = 1 << 20 }) {
  const fd = openSync(file, 'a')
  const perChunk = Math.max(1, Math.floor(chunkBytes / lineBytes))
  let bytes = 0
  const startAt = now()
  for (let seq = 0; seq < lines;) {
    const t = now()
    const parts = []
    for (const end = Math.min(lines, seq + perChunk); seq < end; seq++)
      parts.push(tokenLine(seq, t, lineBytes))
    bytes += writeSync(fd, parts.join(''))
  }
  const endAt = now()
  closeSync(fd)
  return { startAt, endAt, lines, bytes }
}

async function rate({ file, rate, seconds, lineBytes }) {
  const fd = openSync(file, 'a')
  const total = Math.round(rate * seconds)
  let bytes = 0
  let writes = 0
  const startAt = now()
  for (let seq = 0; seq < total;) {
    // Line k is due at startAt + k / rate: a late tick writes everything due, so the rate holds.
    const due = Math.min(total, Math.floor(((now() - startAt) * rate) / 1000) + 1)
    if (due > seq) {
      const t = now()
      const parts = []
      for (; seq < due; seq++) parts.push(tokenLine(seq, t, lineBytes))
      bytes += writeSync(fd, parts.join(''))
      writes++
    }
    await sleep(1)
  }
  const endAt = now()
  closeSync(fd)
  return { startAt, endAt, lines: total, bytes, writes }
}

process.once('message', async (m) => {
  const r = m.mode === 'rate' ? await rate(m) : burst(m)
  process.send({ type: 'done', ...r }, () => process.exit(0))
})
process.on('disconnect', () => process.exit(0))
