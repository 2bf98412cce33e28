/**
 * @module /download on an edge: the bytes of a range, rebuilt from the stream's lines.
 *
 * The stream holds lines as text, not the file's bytes, so a line is served only when its text
 * provably gives back its bytes: UTF-8 of the text (plus the newline, when the line has one)
 * must be exactly as long as the line is in the file, and the text holds no U+FFFD (which may
 * stand for bytes that were not UTF-8). A range that starts before what the stream holds, or
 * crosses a line that cannot be rebuilt, is refused before the first byte when it can be told
 * then (Stale 'gone': the route answers 409, and the watcher's own /download has it) and ends
 * the body with an error otherwise, never with wrong bytes. One entry per pull: memory stays
 * at one watcher batch whatever the range.
 */
import type { Stale } from '../../core/log-source.js'
import type { Entry } from '../protocol.js'
import { after, covering, pointOffset, stale, type EntryStore } from './points.js'

const utf8 = new TextEncoder()
const NEWLINE = utf8.encode('\n')

/** The file's bytes of line k of an entry, or null when the text cannot give them back. */
function lineBytes(e: Entry, k: number): Uint8Array | null {
  const line = e.lines[k]
  if (!line || line.text.includes('\uFFFD')) return null
  const span = pointOffset(e, k + 1) - line.offset
  const text = utf8.encode(line.text)
  if (text.length === span) return text
  if (text.length + 1 !== span) return null
  const out = new Uint8Array(span)
  out.set(text)
  out.set(NEWLINE, text.length)
  return out
}

export async function openStreamRange(
  store: EntryStore,
  epoch: number,
  from: number,
  to: number
): Promise<ReadableStream<Uint8Array> | Stale> {
  if (from >= to) return new ReadableStream({ start: (c) => c.close() })
  const first = await covering(store, epoch, from)
  if (!first || first.start > from) return stale('gone')
  const entries = (async function* () {
    yield first
    yield* after(store, epoch, first)
  })()
  let at = from
  let prev: Entry | null = null
  const fail = (why: string) =>
    Object.assign(new Error(`download: ${why} at byte ${at}`), { code: 'E_NOT_IN_STREAM' })
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const n = await entries.next()
      if (n.done) return controller.error(fail('the stream ends'))
      const e = n.value
      if (prev && e.headBefore !== prev.cursor) return controller.error(fail('a hole'))
      prev = e
      const parts: Uint8Array[] = []
      for (let k = 0; k < e.lines.length && at < to; k++) {
        const start = e.lines[k]!.offset
        const end = pointOffset(e, k + 1)
        if (end <= at) continue
        if (start > at) return controller.error(fail('a missing line'))
        const bytes = lineBytes(e, k)
        if (!bytes) return controller.error(fail('a line that is not plain UTF-8'))
        parts.push(bytes.subarray(at - start, Math.min(end, to) - start))
        at = Math.min(end, to)
      }
      for (const p of parts) controller.enqueue(p)
      if (at >= to) {
        controller.close()
        void entries.return(undefined)
      }
    },
    async cancel() {
      await entries.return(undefined)
    },
  })
}
