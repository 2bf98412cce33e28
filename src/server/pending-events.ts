/**
 * @module From follower events to the SSE events of the next flush, each within the event budget.
 *
 * Consecutive batches merge into one `update` (one frame, one write per client per flush), but
 * only while the merged event stays within the budget of line data: a burst becomes many events,
 * each with the cursor of its last batch as its id, so a client cut off mid-burst resumes exactly
 * where it was. A single batch is never split (its inner points have no cursor); sources keep
 * their batches within the budget (createFileSource sizes the follower's reads for it).
 */
import type { SseEventName, SseEvents } from '../core/protocol.js'
import type { FollowEvent } from '../core/types.js'
import type { FileCounters } from './metrics.js'
import { stateOf } from './file-state.js'
import { texts } from './sse-frame.js'

export type Pending = {
  [E in SseEventName]: {
    event: E
    data: SseEvents[E]
    id: string
    lines: number
    /** Bytes of line data (file bytes of the batches merged into it). */
    bytes: number
    /** Markers: the cursor at the start of the file that follows. */
    start?: string
  }
}[SseEventName]

/**
 * Adds one follower event to the pending list; false when it has nothing for clients.
 * `prevId` is the id of the event before it (pending, or else the last one sent).
 */
export function addEvent(
  pending: Pending[],
  e: FollowEvent,
  counters: FileCounters,
  prevId: string,
  budget: number
): boolean {
  const last = pending[pending.length - 1]
  switch (e.type) {
    case 'lines': {
      const bytes = e.end - e.start
      counters.linesRead += e.lines.length
      counters.bytesRead += bytes
      const t = texts(e.lines)
      if (
        last?.event === 'update' &&
        !e.previous &&
        !last.data.previous &&
        last.bytes + bytes <= budget
      ) {
        const arr = last.data.lines
        for (const s of t) arr.push(s)
        last.id = e.cursor
        last.lines += t.length
        last.bytes += bytes
      } else {
        const data = e.previous ? { lines: t, previous: true as const } : { lines: t }
        pending.push({ event: 'update', data, id: e.cursor, lines: t.length, bytes })
      }
      return true
    }
    case 'missing':
    case 'error': {
      const data = stateOf(e, '')
      if (data) pending.push({ event: 'state', data, id: prevId, lines: 0, bytes: 0 })
      return data !== undefined
    }
    case 'rotated':
    case 'appeared': {
      counters.rotations++
      const reason = e.type === 'appeared' ? 'appeared' : e.reason
      // A marker keeps the id of the event before it. Its own cursor is offset 0 of a file,
      // which the lines that follow will carry forward anyway; as an id of its own it could
      // repeat (the same file truncated twice) and send a resuming client to the wrong file.
      const start = e.cursor
      pending.push({ event: 'rotate', data: { reason }, id: prevId, lines: 0, bytes: 0, start })
      const state = stateOf(e, '')
      if (state) pending.push({ event: 'state', data: state, id: prevId, lines: 0, bytes: 0 })
      return true
    }
    case 'truncated':
      counters.truncations++
      pending.push({
        event: 'truncate',
        data: { reason: e.reason, size: e.size },
        id: prevId,
        lines: 0,
        bytes: 0,
        start: e.cursor,
      })
      return true
    default:
      // backend: shown by /api/files, /health and /metrics.
      return false
  }
}
