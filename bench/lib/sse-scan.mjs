/**
 * @module A streaming reader of an SSE body that never holds an event: it reports each event's
 * name, id and size (bytes of its data) and every line token (line-tokens.mjs) inside the data
 * as the bytes arrive, so a client can watch a server send a 100 MB event with flat memory
 * (what it keeps between chunks is at most one short field line or one cut token).
 */
import { INCOMPLETE, parseToken } from './line-tokens.mjs'

const NL = 10
const QUOTE_L = Buffer.from('"L')
const MAX_CARRY = 64 * 1024

/**
 * Returns push(bytes). `onEvent(name, dataBytes, id)` at each blank line, `onToken(seq, ms)` for
 * each `"L<seq>@<ms>` in a data line (lines travel as JSON strings, so each starts with a quote).
 * `push.open()`: the data bytes of an event begun and not yet ended, or -1 between events.
 */
export function sseScanner({ onEvent, onToken }) {
  let carry = null
  let inData = false
  let name = 'message'
  let dataBytes = 0
  let id = null
  let open = false
  const push = (chunk) => {
    const b = carry ? Buffer.concat([carry, chunk]) : chunk
    carry = null
    let pos = 0
    while (pos < b.length) {
      if (!inData) {
        if (b[pos] === NL) {
          open = false
          onEvent(name, dataBytes, id)
          name = 'message'
          dataBytes = 0
          pos++
          continue
        }
        open = true
        if (b.length - pos >= 6 && b.toString('latin1', pos, pos + 5) === 'data:') {
          if (dataBytes > 0) dataBytes++ // the newline that joins two data lines
          pos += 5
          if (b[pos] === 32) pos++
          inData = true
          continue
        }
        const nl = b.indexOf(NL, pos)
        if (nl < 0) {
          carry = b.subarray(pos)
          break
        }
        const line = b.toString('latin1', pos, nl)
        if (line.startsWith('event:')) name = line.slice(6).trim()
        else if (line.startsWith('id:')) id = line.slice(3).trim()
        pos = nl + 1
        continue
      }
      const nl = b.indexOf(NL, pos)
      let end = nl < 0 ? b.length : nl
      for (let q = b.indexOf(QUOTE_L, pos); q >= 0 && q < end; q = b.indexOf(QUOTE_L, q + 2)) {
        const t = parseToken(b, q + 1, end)
        if (t === INCOMPLETE) {
          if (nl < 0) end = q // the rest of the token comes with the next chunk
          break
        }
        if (t) onToken(t.seq, t.ms)
      }
      // a quote at the very end may open the next token
      if (nl < 0 && end === b.length && b[end - 1] === 0x22) end--
      dataBytes += end - pos
      if (nl < 0) {
        if (end < b.length) carry = b.subarray(end)
        break
      }
      inData = false
      pos = nl + 1
    }
    if (carry && carry.length > MAX_CARRY) {
      throw Object.assign(new Error(`SSE field line longer than ${MAX_CARRY} bytes`), {
        code: 'E_SSE_LINE',
      })
    }
  }
  push.open = () => (open ? dataBytes : -1)
  return push
}
