/**
 * @module SSE frame encoding: every event is encoded once into bytes that all clients share.
 *
 * Lines travel as JSON strings inside `data:`, so a log line can never inject an SSE field or a
 * frame boundary (JSON escapes CR and LF) and the browser treats it as text, never as HTML.
 */
import type { SseEventName, SseEvents } from '../core/protocol.js'
import type { LogLine } from '../core/types.js'

const encoder = new TextEncoder()

/** An id becomes Last-Event-ID: printable ASCII only (no CR/LF/NUL, no spaces). */
const ID_RE = /^[\x21-\x7e]{1,256}$/

/** One shared comment frame; idle connections get it so proxies keep them open. */
export const HEARTBEAT: Uint8Array = encoder.encode(': heartbeat\n\n')

export function isValidId(id: string): boolean {
  return ID_RE.test(id)
}

/** Encodes one event. `data` is JSON-encoded on a single `data:` line. */
export function encodeEvent<E extends SseEventName>(
  event: E,
  data: SseEvents[E],
  id?: string
): Uint8Array {
  let text = `event: ${event}\ndata: ${JSON.stringify(data)}\n`
  if (id !== undefined) {
    if (!isValidId(id)) {
      throw Object.assign(new Error(`cursor is not a valid SSE id: ${JSON.stringify(id)}`), {
        code: 'E_BAD_CURSOR',
      })
    }
    text += `id: ${id}\n`
  }
  return encoder.encode(text + '\n')
}

/** The texts of lines, in order; the wire format carries strings only. */
export function texts(lines: readonly LogLine[]): string[] {
  const out = new Array<string>(lines.length)
  for (let i = 0; i < lines.length; i++) out[i] = (lines[i] as LogLine).text
  return out
}

/**
 * The first bytes of every stream: a `retry:` with per-connection jitter, so a restart does not
 * bring every browser back in the same millisecond, plus a comment that flushes the headers.
 */
export function encodeRetry(minMs: number, spreadMs: number, random = Math.random): Uint8Array {
  const ms = Math.floor(minMs + random() * spreadMs)
  return encoder.encode(`retry: ${ms}\n: taillight\n\n`)
}

/** Concatenates frames into one buffer so each client gets one write per flush. */
export function concat(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0] as Uint8Array
  let size = 0
  for (const c of chunks) size += c.byteLength
  const out = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    out.set(c, at)
    at += c.byteLength
  }
  return out
}
