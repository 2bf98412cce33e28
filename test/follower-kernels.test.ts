/**
 * @module What the follower makes of the places where the kernels differ. inotify names the entry
 * a directory event is about and reports a removed directory at once; kqueue names nothing, and
 * libkqueue (the emulation scripts/test-kqueue.mjs runs on Linux) never reports a removed
 * directory at all. test/notifier.test.ts pins each kernel's own events; here every backend must
 * give the follower's same result: each line exactly once, in order.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { Follower, type FollowerOptions } from '../src/follow/follower.js'
import { loadNative } from '../src/follow/native.js'
import { Wake, type NativeBinding, type NativeNotifier } from '../src/follow/native-types.js'
import { Collector } from './helpers/collect.js'
import { sleep, useTempDir } from './helpers/fs.js'

const { binding, reason } = loadNative()

if (!binding && process.env.CI) {
  it('native addon is available in CI', () => {
    throw new Error(`native addon missing: ${reason}`)
  })
} else if (!binding) {
  console.warn(`\n!!! SKIPPING the follower-on-each-kernel tests: ${reason}\n`)
}

/**
 * The real binding, minus what a kernel that cannot see a directory's removal never sends:
 * DIR_GONE and IGNORED on directory watches (wake-ups left with no bits are not delivered).
 */
function withoutDirGone(real: NativeBinding): NativeBinding {
  return {
    backend: real.backend,
    readBackward: (fd, end, maxLines, maxBytes, chunk) =>
      real.readBackward(fd, end, maxLines, maxBytes, chunk),
    createNotifier(onWake): NativeNotifier {
      const dirs = new Set<number>()
      const lost = Wake.DIR_GONE | Wake.IGNORED
      const n = real.createNotifier((ids, flags) => {
        const keptIds: number[] = []
        const keptFlags: number[] = []
        ids.forEach((id, i) => {
          const bits = (flags[i] ?? 0) & (dirs.has(id) ? ~lost : ~0)
          if (bits === 0) return
          keptIds.push(id)
          keptFlags.push(bits)
        })
        if (keptIds.length > 0) onWake(keptIds, keptFlags)
      })
      return {
        watchFd: (fd, path) => n.watchFd(fd, path),
        watchDir: (dir, name) => {
          const id = n.watchDir(dir, name)
          dirs.add(id)
          return id
        },
        unwatch: (id) => n.unwatch(id),
        ref: () => n.ref(),
        unref: () => n.unref(),
        close: () => n.close(),
      }
    },
  }
}

describe.skipIf(!binding)(`the follower on ${binding?.backend ?? 'no'} notification`, () => {
  const tmp = useTempDir()

  async function follow(log: string, opts: FollowerOptions): Promise<[Follower, Collector]> {
    const f = tmp.track(new Follower(log, { rotateGraceMs: 200, ...opts }))
    const c = new Collector(f)
    await f.start()
    return [f, c]
  }

  it('other names changing in the directory change nothing it delivers', async () => {
    const log = join(tmp.dir, 'app.log')
    writeFileSync(log, '')
    // A long safety tick: what arrives, arrives through the notifications.
    const [f, c] = await follow(log, { native: binding, safetyTickMs: 60_000 })
    expect(f.backend.backend).toBe(binding!.backend)
    const expected: string[] = []
    for (let i = 0; i < 50; i++) {
      const other = join(tmp.dir, `other-${i % 5}.log`)
      writeFileSync(other, 'x')
      if (i % 3 === 0) renameSync(other, `${other}.1`)
      if (i % 7 === 0) unlinkSync(`${other}${i % 3 === 0 ? '.1' : ''}`)
      appendFileSync(log, `line ${i}\n`)
      expected.push(`line ${i}`)
    }
    await c.lineCount(expected.length)
    expect(c.texts).toEqual(expected)
    expect(c.types()).toEqual(['backend'])
    expect(f.state).toBe('following')
  })

  it('a kernel that never reports DIR_GONE: the safety tick still brings every line', async () => {
    const sub = join(tmp.dir, 'd')
    mkdirSync(sub)
    const log = join(sub, 'a.log')
    writeFileSync(log, '')
    const [, c] = await follow(log, { native: withoutDirGone(binding!), safetyTickMs: 250 })
    appendFileSync(log, 'a\n')
    await c.lineCount(1)
    rmSync(sub, { recursive: true })
    await c.event('missing')
    await sleep(600) // past the rotate grace: only the tick re-checks now
    mkdirSync(sub)
    writeFileSync(log, 'b\n')
    await c.lineCount(2)
    // A rotation in the recreated directory, whose new file no live watch may announce.
    renameSync(log, `${log}.1`)
    writeFileSync(log, 'c\n')
    await c.lineCount(3)
    appendFileSync(log, 'd\n')
    await c.lineCount(4)
    expect(c.texts).toEqual(['a', 'b', 'c', 'd'])
  })

  // The follower's side of a removed directory, told at once (or, on libkqueue, found by its
  // own check): it polls until the directory is back and re-watches it.
  it('a removed and recreated directory is noticed without the safety tick', async () => {
    await recreatedDirectory(binding!)
  })

  // Where DIR_GONE never comes, the watch would stay on the removed directory and the recreated
  // file wait for the safety tick (60 s here). The follower notices itself: a check that finds
  // the path missing stats the directory and drops a watch left on a removed one
  // (Watches.verifyDir).
  it('… and so is it where the kernel never reports DIR_GONE (libkqueue)', async () => {
    await recreatedDirectory(withoutDirGone(binding!))
  })

  async function recreatedDirectory(native: NativeBinding): Promise<void> {
    const sub = join(tmp.dir, 'd')
    mkdirSync(sub)
    const log = join(sub, 'a.log')
    writeFileSync(log, '')
    const [, c] = await follow(log, { native, safetyTickMs: 60_000 })
    appendFileSync(log, 'a\n')
    await c.lineCount(1)
    rmSync(sub, { recursive: true })
    await c.event('missing')
    // Past the rotate grace, while which the old file's drain re-checks the name anyway.
    await sleep(600)
    mkdirSync(sub)
    writeFileSync(log, 'b\n')
    await c.lineCount(2, 3000)
    expect(c.texts).toEqual(['a', 'b'])
  }
})
