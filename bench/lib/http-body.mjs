/**
 * @module The body of an HTTP/1.1 response read off a raw socket: the head stripped and, when the
 * body is chunked, the chunk framing too, so load clients compare and parse the same bytes
 * whatever chunks a server (or runtime: Deno merges events into bigger chunks for a client that
 * falls behind) happened to write. Only the unparsed remainder is buffered, never the body.
 */

/**
 * A `data` handler for a socket: calls `out(bytes)` with body bytes as they come, `onHead(head)`
 * once with the response head (latin1 text) and `onEnd()` at the last chunk.
 */
export function dechunker(out, { onHead, onEnd } = {}) {
  let buf = Buffer.alloc(0)
  let head = true
  let chunked = false
  let left = 0 // bytes of the current chunk still to pass on (+2 for its CRLF while > 0)
  return (d) => {
    buf = buf.length ? Buffer.concat([buf, d]) : d
    if (head) {
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      const text = buf.subarray(0, end).toString('latin1')
      chunked = /\r\ntransfer-encoding:\s*chunked/i.test(text)
      head = false
      buf = buf.subarray(end + 4)
      onHead?.(text)
    }
    if (!chunked) {
      if (buf.length) out(buf)
      buf = Buffer.alloc(0)
      return
    }
    const parts = []
    for (;;) {
      if (left > 2) {
        const take = Math.min(left - 2, buf.length)
        if (take === 0) break
        parts.push(buf.subarray(0, take))
        buf = buf.subarray(take)
        left -= take
        continue
      }
      if (left > 0) {
        if (buf.length < left) break
        buf = buf.subarray(left) // the CRLF after a chunk
        left = 0
        continue
      }
      const eol = buf.indexOf('\r\n')
      if (eol < 0) break
      const size = parseInt(buf.subarray(0, eol).toString('latin1'), 16)
      buf = buf.subarray(eol + 2)
      if (!size) {
        onEnd?.() // last chunk
        break
      }
      left = size + 2
    }
    if (parts.length) out(parts.length === 1 ? parts[0] : Buffer.concat(parts))
  }
}

/** The request line and headers of an SSE GET on a raw socket. */
export const sseRequest = (host, path, lastId) =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAccept: text/event-stream\r\n` +
  `${lastId ? `Last-Event-ID: ${lastId}\r\n` : ''}\r\n`
