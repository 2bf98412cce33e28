/**
 * @module A follower's listeners and the credit they hold: the follower's only backpressure.
 *
 * The credit rule is core/listener-credit.ts, shared with the Redis edge: when maxInFlight
 * units are held the follower stops reading (the bytes wait in the file, which is the buffer)
 * and each settling kicks it again. What is the follower's own: a listener that throws becomes
 * an `error` event with the path, told to the listeners (never a crash, never a loop).
 */
import { ListenerCredit } from '../core/listener-credit.js'
import type { SourceListener } from '../core/log-source.js'
import { toErrorEvent } from './errors.js'

export type Listener = SourceListener
export type Listeners = ListenerCredit

export function followerListeners(
  maxInFlight: number,
  path: string,
  onSettle: () => void
): Listeners {
  const credit: ListenerCredit = new ListenerCredit(
    maxInFlight,
    (err, ev) => {
      if (ev.type !== 'error') credit.emit(toErrorEvent(err, path, 'ELISTENER'))
    },
    onSettle
  )
  return credit
}
