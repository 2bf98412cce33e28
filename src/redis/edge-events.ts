/**
 * @module Stream entries as the follower events the HTTP app already understands.
 *
 * A hole in the stream (an entry whose `p` is not the `c` of the entry before it, or a `reset`
 * entry from the watcher) becomes `truncated` with reason 'gap': viewers show it as a marker
 * ("following what is written from now on"), exactly what happened, and nothing pretends the
 * lines in between were delivered.
 */
import type { FollowEvent } from '../core/types.js'
import { offsetOf, type Entry } from './entry.js'

type RotateReason = Extract<FollowEvent, { type: 'rotated' }>['reason']
type TruncateReason = Extract<FollowEvent, { type: 'truncated' }>['reason']

export function gapEvent(from: string, cursor: string): FollowEvent {
  return {
    type: 'truncated',
    reason: 'gap',
    oldOffset: offsetOf(from),
    size: offsetOf(cursor),
    cursor,
  }
}

/** The event for an entry (none for `start` and seed lines, which only set the position). */
export function entryEvent(e: Entry, path: string): FollowEvent | null {
  switch (e.t) {
    case 'lines':
    case 'prev': {
      if (e.r === 'seed') return null // context published with a new stream: history only
      const ev: FollowEvent = { type: 'lines', lines: e.lines, start: e.s, end: e.end, cursor: e.c }
      if (e.t === 'prev') ev.previous = true
      return ev
    }
    case 'rotate':
      return { type: 'rotated', reason: (e.r || 'renamed') as RotateReason, cursor: e.c }
    case 'appear':
      return { type: 'appeared', path, cursor: e.c }
    case 'truncate':
      return {
        type: 'truncated',
        reason: (e.r || 'size') as TruncateReason,
        oldOffset: e.o,
        size: e.z,
        cursor: e.c,
      }
    case 'reset':
      return gapEvent(e.p, e.c)
    default:
      return null
  }
}
