/**
 * The follower's state machine and drain set on their own: the phase and what is open can never
 * disagree, generation numbers only grow, a truncation keeps the file's identity, and a rotated
 * file is let go only once it is both read to the end and quiet past its grace time.
 */
import { writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { readSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FollowEvent } from '../src/core/types.js'
import { DrainSet } from '../src/follow/drain-set.js'
import { FollowerStateMachine } from '../src/follow/follower-state.js'
import { Generation } from '../src/follow/generation.js'
import { OpenFile } from '../src/follow/open-file.js'
import { useTempDir } from './helpers/fs.js'

describe('follower state machine', () => {
  const tmp = useTempDir()
  const opts = { maxLineBytes: 1024, skipLeadingNul: true }

  async function openFile(name: string, content = 'one\ntwo\n'): Promise<OpenFile> {
    const path = join(tmp.dir, name)
    writeFileSync(path, content)
    const fh = await open(path, 'r')
    const file = new OpenFile(fh, await fh.stat({ bigint: true }), readSync)
    tmp.track(file)
    return file
  }

  function machine(): [FollowerStateMachine, FollowEvent[]] {
    const events: FollowEvent[] = []
    return [new FollowerStateMachine('/x/a.log', 1000, 5000, (e) => events.push(e)), events]
  }

  it('a current generation replaced by another file is drained; by the same file it is not', async () => {
    const [m] = machine()
    expect(m.kind).toBe('starting')
    const a = await openFile('a')
    const g1 = await Generation.open(m.nextGen(), a, 8, opts)
    expect(m.transition({ kind: 'following', current: g1 })?.kind).toBe('starting')
    expect(m.current).toBe(g1)
    expect(g1.cursor).not.toBe(`0-${a.zeroFingerprint}`)

    // A truncation: a new number over the same open file, identity untouched.
    const g2 = await Generation.open(m.nextGen(), a, 0, opts, true)
    m.transition({ kind: 'following', current: g2 })
    expect(g2.gen).toBeGreaterThan(g1.gen)
    expect(g2.file).toBe(g1.file)
    expect(m.draining.size).toBe(0)
    expect(m.generation(g1.gen)).toBeNull() // cursors from before the truncation are gone
    expect(m.generation(g2.gen)).toBe(g2)

    const b = await openFile('b')
    const g3 = await Generation.open(m.nextGen(), b, 0, opts)
    m.transition({ kind: 'following', current: g3 })
    expect(m.draining.generations()).toEqual([g2])
    expect(m.generation(g2.gen)).toBe(g2) // still readable while it drains
    expect(m.files()).toEqual([a, b])
  })

  it("'missing' is announced once per absence, and leaves nothing current", async () => {
    const [m, events] = machine()
    const g = await Generation.open(m.nextGen(), await openFile('a'), 0, opts)
    m.transition({ kind: 'following', current: g })
    m.transition({ kind: 'missing' })
    m.transition({ kind: 'missing' })
    expect(events).toEqual([{ type: 'missing', path: '/x/a.log' }])
    expect(m.current).toBeNull()
    expect(m.kind).toBe('missing')
    expect(m.draining.generations()).toEqual([g])
  })

  it('an error phase names its code; a repeated error is reported once until things work', () => {
    const [m, events] = machine()
    const ev = { type: 'error' as const, code: 'EACCES', path: '/x/a.log', message: 'denied' }
    m.transition({ kind: 'error', code: 'EACCES', message: 'denied' })
    expect(m.phase).toEqual({ kind: 'error', code: 'EACCES', message: 'denied' })
    m.report(ev)
    m.report(ev)
    expect(events).toHaveLength(1)
    m.report({ ...ev, code: 'EIO' })
    expect(events).toHaveLength(2)
    m.recovered()
    m.report({ ...ev, code: 'EIO' })
    expect(events).toHaveLength(3)
  })

  it('once closed, nothing moves it again', async () => {
    const [m, events] = machine()
    const g = await Generation.open(m.nextGen(), await openFile('a'), 0, opts)
    m.transition({ kind: 'following', current: g })
    expect(m.transition({ kind: 'closed' })?.kind).toBe('following')
    expect(m.closed).toBe(true)
    expect(m.draining.generations()).toEqual([g]) // the caller closes it from there
    expect(m.transition({ kind: 'following', current: g })).toBeNull()
    expect(m.transition({ kind: 'missing' })).toBeNull()
    expect(m.kind).toBe('closed')
    expect(events).toEqual([])
  })
})

describe('drain set', () => {
  const tmp = useTempDir()

  it('lets a file go only at its end and past its grace, extended by changes up to the cap', async () => {
    const path = join(tmp.dir, 'a')
    writeFileSync(path, 'x\n')
    const fh = await open(path, 'r')
    const file = tmp.track(new OpenFile(fh, await fh.stat({ bigint: true }), readSync))
    const g = await Generation.open(1, file, 0, { maxLineBytes: 64 })
    const d = new DrainSet(100, 300)
    const t0 = file.lastChange
    d.add(g, t0 - 90) // its own grace would end at t0 + 10...
    expect(d.find(1)).toBe(g)
    expect(d.expired(g, true, t0 + 50)).toBe(false) // ...but it changed at t0: t0 + 100
    expect(d.expired(g, false, t0 + 150)).toBe(false) // past it, but not read to the end
    expect(d.nextDelay(1000, 10, t0 + 50)).toBe(50)
    expect(d.expired(g, true, t0 + 150)).toBe(true)
    d.remove(g)
    expect(d.size).toBe(0)

    // A file still being written keeps its grace moving, but never past the cap.
    d.add(g, t0 - 1000)
    expect(d.expired(g, true, t0 + 50)).toBe(true) // capped at (t0 - 1000) + 300
    expect(d.clear()).toEqual([g])
  })
})
