/**
 * @module The frames of the merged stream: what the merge queue let go, as `update` events whose
 * lines say which file each came from, and the files' gap events in their place, each with the
 * merged cursor just after it (core/merged-cursor.ts).
 *
 * Encoded here rather than by sse-frame's encodeEvent because a merged cursor holds one cursor
 * per file and may be longer than the 256 characters a file's id is held to.
 */
import { formatMergedCursor, type FilePosition } from '../core/merged-cursor.js'
import type { MergeItem } from './merge-queue.js'

const encoder = new TextEncoder()

/** Printable ASCII without spaces: a merged cursor never holds CR, LF or NUL. */
const MERGED_ID_RE = /^[\x21-\x7e]{1,8192}$/

export function encodeMerged(name: string, data: unknown, id?: string): Uint8Array {
  let text = `event: ${name}\ndata: ${JSON.stringify(data)}\n`
  if (id !== undefined) {
    if (!MERGED_ID_RE.test(id)) {
      throw Object.assign(new Error(`merged cursor is not a valid SSE id`), {
        code: 'E_BAD_CURSOR',
      })
    }
    text += `id: ${id}\n`
  }
  return encoder.encode(text + '\n')
}

/**
 * Encodes taken items in order; `sent` (the positions the client has been sent, in served
 * order) advances as they go, so every frame's id covers exactly the lines before it.
 */
export function mergedFrames(
  taken: readonly { file: number; item: MergeItem }[],
  ids: readonly string[],
  sent: Map<string, FilePosition>
): { frames: Uint8Array[]; lines: number } {
  const frames: Uint8Array[] = []
  let lines: string[] = []
  let files: string[] = []
  const flushLines = () => {
    if (lines.length === 0) return
    frames.push(encodeMerged('update', { lines, files }, formatMergedCursor(sent)))
    lines = []
    files = []
  }
  let count = 0
  for (const { file, item } of taken) {
    const id = ids[file] as string
    if (item.kind === 'line') {
      sent.set(id, item.pos)
      lines.push(item.text)
      files.push(id)
      count++
      continue
    }
    flushLines()
    sent.set(id, item.pos)
    frames.push(encodeMerged(item.name, { ...item.data, file: id }, formatMergedCursor(sent)))
  }
  flushLines()
  return { frames, lines: count }
}
