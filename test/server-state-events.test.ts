/**
 * The `state` SSE event (issue 12): follower events about the path become state events that keep
 * the id of the event before them, and the head stays where the lines are.
 */
import { describe, expect, it } from 'vitest'
import { Metrics } from '../src/server/metrics.js'
import { addEvent, type Pending } from '../src/server/pending-events.js'
import { stateOf } from '../src/server/file-state.js'

const budget = 1 << 20

describe('state events', () => {
  it('missing, error and appeared become state events with the previous id', () => {
    const counters = new Metrics().file('f')
    const pending: Pending[] = []
    expect(addEvent(pending, { type: 'missing', path: '/l/a.log' }, counters, 'c0', budget)).toBe(
      true
    )
    addEvent(
      pending,
      { type: 'error', path: '/l/a.log', code: 'EACCES', message: 'permission denied' },
      counters,
      'c0',
      budget
    )
    addEvent(pending, { type: 'appeared', path: '/l/a.log', cursor: 'c1' }, counters, 'c0', budget)
    expect(pending.map((p) => [p.event, p.data, p.id])).toEqual([
      ['state', { state: 'missing', path: '/l/a.log' }, 'c0'],
      [
        'state',
        { state: 'error', path: '/l/a.log', code: 'EACCES', message: 'permission denied' },
        'c0',
      ],
      ['rotate', { reason: 'appeared' }, 'c0'],
      ['state', { state: 'following', path: '/l/a.log' }, 'c0'],
    ])
  })

  it('a backend change is no state event', () => {
    expect(
      stateOf({ type: 'backend', backend: 'poll', reason: 'ENOSPC' } as never, '/x')
    ).toBeUndefined()
  })
})
