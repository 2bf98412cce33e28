/**
 * @module The lines the benchmark writers append carry `L<seq>@<ms> `: a sequence number (every
 * line once, in order) and the wall-clock time of the write (latency in another process, see
 * clock.mjs). This reads one such token out of raw bytes without making a string of the line.
 */

const L = 0x4c
const AT = 0x40
const DOT = 0x2e

/** `L<seq>@<ms> ` followed by `x` up to `bytes` bytes and a newline. */
export function tokenLine(seq, ms, bytes) {
  const head = `L${seq}@${ms.toFixed(3)} `
  return head.padEnd(Math.max(head.length, bytes - 1), 'x') + '\n'
}

/** Result of parseToken when the buffer ends inside the token: wait for more bytes. */
export const INCOMPLETE = -1

/**
 * The token whose `L` is at b[at], read up to `end`: { seq, ms, next } (next: the index after
 * it), INCOMPLETE when `end` cuts it, null when the bytes there are not a token.
 */
export function parseToken(b, at, end) {
  if (b[at] !== L) return null
  let seq = 0
  let j = at + 1
  for (; j < end && b[j] >= 48 && b[j] <= 57; j++) seq = seq * 10 + (b[j] - 48)
  if (j === end) return INCOMPLETE
  if (j === at + 1 || b[j] !== AT) return null
  const from = ++j
  for (; j < end && ((b[j] >= 48 && b[j] <= 57) || b[j] === DOT); j++);
  if (j === end) return INCOMPLETE
  if (j === from) return null
  return { seq, ms: Number(b.toString('latin1', from, j)), next: j }
}
