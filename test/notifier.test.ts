import { spawn } from 'node:child_process'
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { loadNative } from '../src/follow/native.js'
import { Wake, type NativeNotifier } from '../src/follow/native-types.js'

const { binding, reason } = loadNative()
const here = path.dirname(fileURLToPath(import.meta.url))
const DEADLINE_MS = 3000
// The child processes below load the same addon as this file (scripts/test-kqueue.mjs points
// TAILLIGHT_NATIVE_PATH at a kqueue build made outside the checkout).
const addon = path.resolve(
  process.env.TAILLIGHT_NATIVE_PATH ?? path.join(here, '../build/Release/taillight.node')
)
// Where the kernels differ, each backend gets its own expectation. kqueue on Linux can only be
// libkqueue, an emulation on top of inotify (scripts/test-kqueue.mjs).
const backend = binding?.backend
const emulatedKqueue = backend === 'kqueue' && process.platform === 'linux'

if (!binding && process.env.CI) {
  it('native addon is available in CI', () => {
    throw new Error(`native addon missing: ${reason}`)
  })
} else if (!binding) {
  console.warn(`\n!!! SKIPPING native notifier tests: ${reason}\n`)
}

/** Records every wake-up and lets a test await a set of bits on a watch, with a deadline. */
function recorder() {
  const seen = new Map<number, number>()
  const waiters = new Set<() => void>()
  const rec = {
    calls: 0,
    seen,
    onWake(ids: number[], flags: number[]) {
      rec.calls++
      ids.forEach((id, i) => seen.set(id, (seen.get(id) ?? 0) | (flags[i] ?? 0)))
      for (const check of waiters) check()
    },
    waitFor(id: number, bits: number, ms = DEADLINE_MS): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (((seen.get(id) ?? 0) & bits) !== bits) return
          cleanup()
          resolve()
        }
        const timer = setTimeout(() => {
          cleanup()
          const got = [...seen].map(([k, v]) => `${k}:${v}`).join(' ') || 'nothing'
          reject(new Error(`watch ${id} did not get bits ${bits} within ${ms} ms (saw ${got})`))
        }, ms)
        const cleanup = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
    reset() {
      seen.clear()
      rec.calls = 0
    },
  }
  return rec
}

describe.skipIf(!binding)(`native notifier (${binding?.backend ?? 'missing'})`, () => {
  let dir = ''
  let file = ''
  const fds: number[] = []
  const notifiers: NativeNotifier[] = []

  function openFd(p = file): number {
    const fd = openSync(p, 'r')
    fds.push(fd)
    return fd
  }
  function notifier(rec: ReturnType<typeof recorder>): NativeNotifier {
    const n = binding!.createNotifier(rec.onWake)
    notifiers.push(n)
    return n
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'taillight-notify-'))
    file = path.join(dir, 'app.log')
    writeFileSync(file, 'first\n')
  })
  afterEach(async () => {
    notifiers.splice(0).forEach((n) => n.close())
    fds.splice(0).forEach((fd) => closeSync(fd))
    await rm(dir, { recursive: true, force: true })
  })

  it('append wakes the fd watch with MODIFY', async () => {
    const rec = recorder()
    const id = notifier(rec).watchFd(openFd(), file)
    expect(id).toBeGreaterThan(0)
    appendFileSync(file, 'more\n')
    await rec.waitFor(id, Wake.MODIFY)
  })

  it('rename gives MOVE_SELF on the file and NAME on the directory', async () => {
    const rec = recorder()
    const n = notifier(rec)
    const fileId = n.watchFd(openFd(), file)
    const dirId = n.watchDir(dir, 'app.log')
    renameSync(file, path.join(dir, 'app.log.1'))
    await rec.waitFor(fileId, Wake.MOVE_SELF)
    await rec.waitFor(dirId, Wake.NAME)
  })

  it('unlink of an open file gives NAME and ATTRIB', async () => {
    const rec = recorder()
    const n = notifier(rec)
    const fileId = n.watchFd(openFd(), file)
    const dirId = n.watchDir(dir, 'app.log')
    unlinkSync(file)
    await rec.waitFor(dirId, Wake.NAME)
    await rec.waitFor(fileId, Wake.ATTRIB)
  })

  it('atomic rename-over gives NAME', async () => {
    const rec = recorder()
    const dirId = notifier(rec).watchDir(dir, 'app.log')
    const tmp = path.join(dir, 'app.log.tmp')
    writeFileSync(tmp, 'replacement\n')
    renameSync(tmp, file)
    await rec.waitFor(dirId, Wake.NAME)
  })

  // inotify: IN_DELETE_SELF (the watch is by path, no descriptor held). macOS and FreeBSD:
  // rmdir posts NOTE_DELETE on the directory's own vnode (XNU VNOP_RMDIR, FreeBSD ufs_rmdir).
  // libkqueue maps NOTE_DELETE to IN_DELETE_SELF, which Linux sends only when the last
  // reference goes, and the knote's own descriptor is one: there it stays silent (pinned, so a
  // libkqueue that learns it shows up here; test/follower-kernels.test.ts shows the follower
  // recovers either way). One test, each kernel's expectation, so no run skips it.
  it(`removing the directory: ${emulatedKqueue ? 'silence (libkqueue)' : 'DIR_GONE'}`, async () => {
    const rec = recorder()
    const sub = path.join(dir, 'sub')
    mkdirSync(sub)
    const n = notifier(rec)
    const subId = n.watchDir(sub, 'x.log')
    if (!emulatedKqueue) {
      rmdirSync(sub)
      await rec.waitFor(subId, Wake.DIR_GONE)
      return
    }
    const dirId = n.watchDir(dir, 'sub')
    rmdirSync(sub)
    // The parent's entry change is delivered; by then the removal has been seen too, if ever.
    await rec.waitFor(dirId, Wake.NAME)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(rec.seen.get(subId) ?? 0).toBe(0)
  })

  // inotify names the entry, so a watch wakes only for its own name. A kqueue directory event
  // names no entry, so every watch on the directory wakes and the follower re-checks its own
  // name (test/follower-kernels.test.ts: the lines are the same).
  it(`directory events: ${backend === 'inotify' ? 'filtered by name' : 'every watch wakes'}`, async () => {
    const rec = recorder()
    const n = notifier(rec)
    const logId = n.watchDir(dir, 'app.log')
    const markerId = n.watchDir(dir, 'marker')
    if (backend === 'inotify') {
      for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `other-${i}.log`), 'x')
      renameSync(path.join(dir, 'other-0.log'), path.join(dir, 'other-renamed.log'))
      unlinkSync(path.join(dir, 'other-1.log'))
      writeFileSync(path.join(dir, 'marker'), '')
      // Events arrive in order, so once the marker is seen the others have been filtered.
      await rec.waitFor(markerId, Wake.NAME)
      expect(rec.seen.has(logId)).toBe(false)
      return
    }
    writeFileSync(path.join(dir, 'other.log'), 'x')
    await rec.waitFor(logId, Wake.NAME)
    await rec.waitFor(markerId, Wake.NAME)
    expect(rec.seen.get(logId)! & Wake.DIR_GONE).toBe(0)
  })

  it('the same inode watched twice wakes both; unwatching one keeps the other', async () => {
    const rec = recorder()
    const n = notifier(rec)
    const a = n.watchFd(openFd(), file)
    const b = n.watchFd(openFd(), file)
    expect(a).not.toBe(b)
    appendFileSync(file, 'x\n')
    await rec.waitFor(a, Wake.MODIFY)
    await rec.waitFor(b, Wake.MODIFY)
    n.unwatch(a)
    n.unwatch(a) // unknown ids are ignored
    n.unwatch(123456)
    rec.reset()
    appendFileSync(file, 'y\n')
    await rec.waitFor(b, Wake.MODIFY)
    expect(rec.seen.has(a)).toBe(false)
  })

  it('coalesces a burst of 1,000 appends into few callbacks', async () => {
    const rec = recorder()
    const id = notifier(rec).watchFd(openFd(), file)
    for (let i = 0; i < 1000; i++) appendFileSync(file, `line ${i}\n`)
    await rec.waitFor(id, Wake.MODIFY)
    // Let any straggler arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(rec.calls).toBeGreaterThanOrEqual(1)
    expect(rec.calls).toBeLessThan(20)
  })

  it('wakes again after a drain (no lost wake-up)', async () => {
    const rec = recorder()
    const id = notifier(rec).watchFd(openFd(), file)
    for (let i = 0; i < 20; i++) {
      rec.reset()
      appendFileSync(file, `${i}\n`)
      await rec.waitFor(id, Wake.MODIFY)
    }
  })

  it('close() is idempotent and later watches fail with a code', () => {
    const n = notifier(recorder())
    n.watchFd(openFd(), file)
    n.close()
    n.close()
    n.unwatch(1)
    expect(() => n.watchFd(openFd(), file)).toThrow(
      expect.objectContaining({ code: 'ERR_NOTIFIER_CLOSED' })
    )
  })

  it('errors carry code, syscall and path', () => {
    const n = notifier(recorder())
    expect(() => n.watchFd(2 ** 31 - 1, '/bad/fd')).toThrow(
      expect.objectContaining({ code: 'EBADF', path: '/bad/fd', syscall: expect.any(String) })
    )
    const missing = path.join(dir, 'missing')
    expect(() => n.watchDir(missing, 'x')).toThrow(
      expect.objectContaining({ code: 'ENOENT', path: missing })
    )
    expect(() => n.watchFd(-1, 'x')).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => binding!.createNotifier(undefined as never)).toThrow(TypeError)
  })

  it('an unref()ed notifier does not keep the process alive', async () => {
    const script = `
      const fs = require('node:fs')
      const n = require(${JSON.stringify(addon)}).createNotifier(() => {})
      n.watchFd(fs.openSync(${JSON.stringify(file)}, 'r'), 'f')
      n.unref()
    `
    const result = await run(['-e', script], 10_000)
    expect(result).toMatchObject({ code: 0, signal: null })
  })

  it('workers exiting without close() do not crash the process (env cleanup hook)', async () => {
    const fixture = path.join(here, 'fixtures/worker-exit.mjs')
    const result = await run([fixture, addon, dir], 20_000)
    expect(result.stderr).toBe('')
    expect(result).toMatchObject({ code: 0, signal: null })
    expect(result.stdout).toContain('all 20 workers exited')
  })
})

function run(
  args: string[],
  ms: number
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`child did not exit within ${ms} ms: ${stdout} ${stderr}`))
    }, ms)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}
