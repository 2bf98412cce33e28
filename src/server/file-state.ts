/**
 * @module What the followed path names now, as the `state` SSE event: follower events change it,
 * and a client that joins while the file is missing or broken hears it first, instead of a live
 * stream that stays silent (the reason used to reach only the server's stderr).
 */
import type { StateEvent } from '../core/protocol.js'
import type { LogSource } from '../core/log-source.js'
import type { FollowEvent } from '../core/types.js'

/** The state event a follower event means, or undefined when it changes no state. */
export function stateOf(e: FollowEvent, path: string): StateEvent | undefined {
  switch (e.type) {
    case 'missing':
      return { state: 'missing', path: e.path || path }
    case 'error':
      return { state: 'error', path: e.path || path, code: e.code, message: e.message }
    case 'appeared':
      return { state: 'following', path: e.path || path }
    default:
      return undefined
  }
}

export class FileState {
  private last: StateEvent | undefined

  constructor(private readonly source: LogSource) {}

  observe(e: FollowEvent): void {
    const s = stateOf(e, this.source.path)
    if (s) this.last = s
  }

  /** What a joining client is told first: nothing while the file is followed. */
  current(): StateEvent | undefined {
    const kind = this.source.info().state
    if (kind === 'missing') return { state: 'missing', path: this.source.path }
    if (kind !== 'error') return undefined
    const l = this.last
    return l?.state === 'error'
      ? l
      : { state: 'error', path: this.source.path, code: 'EUNKNOWN', message: 'cannot follow' }
  }
}
