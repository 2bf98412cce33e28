/**
 * How a follower chooses and degrades its wake-up source, with stand-in bindings: lost
 * notifications, exhausted watches and remote file systems must cost latency, never lines.
 */
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Follower } from '../src/follow/follower.js'
import type { NativeBinding, WakeCallback } from '../src/follow/native-types.js'
import { readBackwardTs } from '../src/follow/read-backward.js'
import { remoteFsName } from '../src/follow/remote-fs.js'
import { Collector } from './helpers/collect.js'
import { useTempDir } from './helpers/fs.js'

/** A binding whose notifier accepts watches and never wakes anyone (every event is lost). */
function deafBinding(failWith?: string): NativeBinding & { wake?: WakeCallback; ids: number } {
  const b = {
    backend: 'inotify' as const,
    ids: 0,
    wake: undefined as WakeCallback | undefined,
    createNotifier(onWake: WakeCallback) {
      b.wake = onWake
      const add = (): number => {
        if (failWith)
          throw Object.assign(new Error(`${failWith}: no watches left`), { code: failWith })
        return ++b.ids
      }
      return { watchFd: add, watchDir: add, unwatch() {}, ref() {}, unref() {}, close() {} }
    },
    readBackward: (fd: number, end: number, n: number, max: number, chunk: number) =>
      readBackwardTs(fd, end, n, max, chunk),
  }
  return b
}

describe('follower backends', () => {
  const tmp = useTempDir()
  afterEach(() => {
    delete process.env.TAILLIGHT_FAKE_FSTYPE
  })

  async function follow(
    opts: ConstructorParameters<typeof Follower>[1]
  ): Promise<[Follower, Collector, string]> {
    const log = join(tmp.dir, 'a.log')
    writeFileSync(log, '')
    const f = new Follower(log, opts)
    tmp.track(f)
    const c = new Collector(f)
    await f.start()
    return [f, c, log]
  }

  it('lost notifications are caught by the safety tick', async () => {
    const [f, c, log] = await follow({ native: deafBinding(), safetyTickMs: 100 })
    expect(f.backend).toEqual({ backend: 'inotify' })
    appendFileSync(log, 'seen anyway\n')
    await c.lineCount(1, 2000)
    expect(c.texts).toEqual(['seen anyway'])
  })

  it('an overflow wake-up makes every follower re-check', async () => {
    const b = deafBinding()
    const [, c, log] = await follow({ native: b, safetyTickMs: 60_000 })
    appendFileSync(log, 'after overflow\n')
    b.wake?.([1, 2], [64, 64])
    await c.lineCount(1, 2000)
    expect(c.texts).toEqual(['after overflow'])
  })

  it('exhausted watches (ENOSPC) degrade to polling, with the reason', async () => {
    const [f, c, log] = await follow({ native: deafBinding('ENOSPC') })
    expect(f.backend.backend).toBe('poll')
    expect(f.backend.reason).toMatch(/^ENOSPC/)
    expect(c.of('backend').at(-1)?.reason).toMatch(/^ENOSPC/)
    appendFileSync(log, 'x\n')
    await c.lineCount(1)
  })

  it('a remote file system polls, and says which', async () => {
    process.env.TAILLIGHT_FAKE_FSTYPE = '6969'
    const [f, c, log] = await follow({ native: deafBinding() })
    expect(f.backend).toEqual({ backend: 'poll', reason: 'remote-fs:nfs' })
    appendFileSync(log, 'x\n')
    await c.lineCount(1)
  })

  it('without the addon it polls and says why; forced polling says forced', async () => {
    const [f1] = await follow({ native: null })
    expect(f1.backend.backend).toBe('poll')
    expect(f1.backend.reason).toMatch(/^no-native-addon/)
    const [f2] = await follow({ poll: true })
    expect(f2.backend).toEqual({ backend: 'poll', reason: 'forced' })
  })

  it('classifies file system types like GNU tail', () => {
    expect(remoteFsName('linux', 0x6969)).toBe('nfs')
    expect(remoteFsName('linux', 0x794c7630)).toBe('overlayfs')
    expect(remoteFsName('linux', 0x65735546)).toBe('fuse')
    expect(remoteFsName('linux', 0xef53)).toBeNull()
    expect(remoteFsName('darwin', 0x6969)).toBeNull()
  })

  it('rejects nonsense options with a clear error', () => {
    expect(() => new Follower('/tmp/x', { maxLineBytes: -1 })).toThrow(/maxLineBytes/)
  })
})
