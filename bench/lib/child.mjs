/**
 * @module The benchmarks' helper processes (load clients, writers) are forked Node scripts that
 * talk over IPC; this waits for one message type from one, bounded in time.
 */
import { fork } from 'node:child_process'

/** The next message of `type` that `emitter` emits as 'message', or null after `ms`. */
export function nextMessage(emitter, type, ms = Infinity) {
  return new Promise((resolve) => {
    let timer
    const on = (m) => {
      if (m?.type !== type) return
      clearTimeout(timer)
      emitter.off('message', on)
      resolve(m)
    }
    emitter.on('message', on)
    if (Number.isFinite(ms))
      timer = setTimeout(() => (emitter.off('message', on), resolve(null)), ms).unref()
  })
}

/** Forks `script`; `next(type, ms)` resolves with its next message of `type`, or null after ms. */
export function forkChild(script, args = []) {
  const proc = fork(script, args, { stdio: 'inherit' })
  const next = (type, ms) => nextMessage(proc, type, ms)
  const send = (m) => proc.connected && proc.send(m)
  return { proc, next, send, kill: () => proc.connected && proc.kill() }
}
