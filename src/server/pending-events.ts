/**
 * @module From follower events to the SSE events of the next flush.
 */
import type { FollowEvent } from '../core/types.js'
import type { FileCounters } from './metrics.js'
import { texts, type SseEventName } from './sse-frame.js'

export type Pending = { event: SseEventName; data: object; id: string; lines: number }

/**
 * Adds one follower event to the pending list; false when it has nothing for clients.
 * `prevId` is the id of the event before it (pending, or else the last one sent).
 */
export function addEvent(
  pending: Pending[],
  e: FollowEvent,
  counters: FileCounters,
  prevId: string
): boolean {
  const last = pending[pending.length - 1]
  switch (e.type) {
    case 'lines': {
      counters.linesRead += e.lines.length
      counters.bytesRead += e.end - e.start
      const t = texts(e.lines)
      // Consecutive batches merge into one update: one frame and one write per flush.
      if (last && last.event === 'update' && !e.previous && !('previous' in last.data)) {
        const arr = (last.data as { lines: string[] }).lines
        for (const s of t) arr.push(s)
        last.id = e.cursor
        last.lines += t.length
      } else {
        const data = e.previous ? { lines: t, previous: true } : { lines: t }
        pending.push({ event: 'update', data, id: e.cursor, lines: t.length })
      }
      return true
    }
    case 'rotated':
    case 'appeared': {
      counters.rotations++
      const reason = e.type === 'appeared' ? 'appeared' : e.reason
      // A marker keeps the id of the event before it. Its own cursor is offset 0 of a file,
      // which the lines that follow will carry forward anyway; as an id of its own it could
      // repeat (the same file truncated twice) and send a resuming client to the wrong file.
      pending.push({ event: 'rotate', data: { reason }, id: prevId, lines: 0 })
      return true
    }
    case 'truncated':
      counters.truncations++
      pending.push({
        event: 'truncate',
        data: { reason: e.reason, size: e.size },
        id: prevId,
        lines: 0,
      })
      return true
    default:
      // missing, backend, error: state, shown by /api/files, /health and /metrics.
      return false
  }
}
