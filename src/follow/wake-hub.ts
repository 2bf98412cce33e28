/**
 * @module One native notifier per process, shared by every follower.
 *
 * inotify instances are limited per user (max_user_instances, often 128), so followers share one
 * notifier and its one native thread; this hub routes coalesced wake-ups to per-watch callbacks.
 */
import type { NativeBinding, NativeNotifier } from './native-types.js'

type WakeFn = (flags: number) => void

export class WakeHub {
  private readonly notifier: NativeNotifier
  private readonly callbacks = new Map<number, WakeFn>()

  constructor(binding: NativeBinding) {
    this.notifier = binding.createNotifier((ids, flags) => {
      for (let i = 0; i < ids.length; i++) {
        const fn = this.callbacks.get(ids[i] as number)
        // A listener that throws must not take the notifier (or the process) down with it.
        try {
          fn?.(flags[i] as number)
        } catch (err) {
          queueMicrotask(() => {
            throw err
          })
        }
      }
    })
    // Followers keep the process alive with their own timers; the notifier never should.
    this.notifier.unref()
  }

  /** Throws Error{code, syscall, path} like the native call. */
  watchFd(fd: number, path: string, fn: WakeFn): number {
    const id = this.notifier.watchFd(fd, path)
    this.callbacks.set(id, fn)
    return id
  }

  watchDir(dir: string, name: string, fn: WakeFn): number {
    const id = this.notifier.watchDir(dir, name)
    this.callbacks.set(id, fn)
    return id
  }

  unwatch(id: number): void {
    if (!this.callbacks.delete(id)) return
    this.notifier.unwatch(id)
  }
}

const hubs = new WeakMap<NativeBinding, WakeHub>()

export function wakeHubFor(binding: NativeBinding): WakeHub {
  let hub = hubs.get(binding)
  if (!hub) {
    hub = new WakeHub(binding)
    hubs.set(binding, hub)
  }
  return hub
}
