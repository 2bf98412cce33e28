/**
 * Symlink-swap safety: a log in a directory other users may write is refused (EINSECURE, the
 * follower's error state) unless allowed; /api/files, /health and /download say so and serve
 * nothing of it. Tests run as root, which can still set up any mode and group.
 */
import { chmod, chown, mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { FollowEvent } from '../src/core/types.js'
import { createFileSource } from '../src/follow/file-source.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { useTempDir, waitFor } from './helpers/fs.js'

const t = useTempDir()

async function logIn(mode: number, name = 'logs') {
  const dir = join(t.dir, name)
  await mkdir(dir)
  await chmod(dir, mode)
  const path = join(dir, 'app.log')
  await writeFile(path, 'first\n')
  return path
}

async function follow(path: string, allowInsecureDir = false) {
  const s = t.track(await createFileSource('app', path, { allowInsecureDir }))
  const events: FollowEvent[] = []
  s.subscribe((e) => void events.push(e))
  return { s, events }
}

describe('directory safety', () => {
  it('refuses a file in a world-writable directory, with EINSECURE naming path and reason', async () => {
    const path = await logIn(0o777)
    const { s } = await follow(path)
    expect(s.info().state).toBe('error')
    const phase = s.follower.phase as { kind: string; code?: string; message?: string }
    expect(phase).toMatchObject({ kind: 'error', code: 'EINSECURE' })
    expect(phase.message).toContain(`refusing to follow ${path}`)
    expect(phase.message).toMatch(/writable by every user \(mode 0777\)/)
  })

  it.each([
    ['world-writable', 0o777, /writable by every user \(mode 0777\)/],
    ['sticky and world-writable, like /tmp', 0o1777, /mode 1777, sticky/],
  ])('reports a %s directory in the error event', async (_, mode, reason) => {
    const dir = join(t.dir, 'late')
    await mkdir(dir)
    await chmod(dir, 0o755)
    const path = join(dir, 'app.log')
    await writeFile(path, '')
    const { s, events } = await follow(path)
    expect(s.info().state).toBe('following')
    // Made insecure, then rotated: the reopen is checked as well.
    await chmod(dir, mode)
    await writeFile(path + '.new', 'swapped\n')
    const { rename } = await import('node:fs/promises')
    await rename(path + '.new', path)
    await waitFor(() => s.info().state === 'error', 'the error state after the swap')
    const err = events.find((e) => e.type === 'error')
    expect(err).toMatchObject({ type: 'error', code: 'EINSECURE', path })
    expect((err as { message: string }).message).toMatch(reason)
    expect((err as { message: string }).message).toContain('--allow-insecure-dir')
  })

  it('follows with allowInsecureDir, and in a 0755 directory', async () => {
    const insecure = await follow(await logIn(0o777, 'open'), true)
    expect(insecure.s.info().state).toBe('following')
    const safe = await follow(await logIn(0o755, 'safe'))
    expect(safe.s.info().state).toBe('following')
  })

  it('accepts a directory writable by group root, refuses one writable by another group', async () => {
    const rootGroup = await logIn(0o775, 'root-group')
    await chown(join(t.dir, 'root-group'), 0, 0)
    expect((await follow(rootGroup)).s.info().state).toBe('following')
    const other = await logIn(0o775, 'other-group')
    await chown(join(t.dir, 'other-group'), 0, 4)
    const { s } = await follow(other)
    expect(s.follower.phase).toMatchObject({ kind: 'error', code: 'EINSECURE' })
    expect((s.follower.phase as { message: string }).message).toMatch(/writable by group 4/)
  })

  it("checks a symlink's target directory too", async () => {
    const target = await logIn(0o777, 'target')
    const dir = join(t.dir, 'links')
    await mkdir(dir)
    await chmod(dir, 0o755)
    const link = join(dir, 'app.log')
    await symlink(target, link)
    expect((await follow(link)).s.info().state).toBe('error')
  })
})

describe('directory safety through the server', () => {
  beforeAll(ensureBuilt, 180_000)
  afterEach(killAll)

  it('a swapped symlink in a world-writable directory is neither followed nor downloaded', async () => {
    const secret = join(t.dir, 'secret')
    await writeFile(secret, 'root:SECRET-HASH:19000:0:99999:7:::\n')
    await chmod(secret, 0o600)
    const dir = join(t.dir, 'shared')
    await mkdir(dir)
    await chmod(dir, 0o777)
    const path = join(dir, 'app.log')
    await symlink(secret, path)
    const cli = runCli(['--port', '0', path])
    const url = await cli.url
    const files = (await (await fetch(`${url}api/files`)).json()) as { id: string; state: string }[]
    expect(files[0]?.state).toBe('error')
    const health = (await (await fetch(`${url}health`)).json()) as { status: string }
    expect(health.status).toBe('degraded')
    const dl = await fetch(`${url}download?file=${files[0]!.id}`)
    expect(await dl.text()).not.toContain('SECRET')
    await waitFor(() => cli.stderr().includes('EINSECURE'), 'the error on stderr')
    expect(cli.stderr()).toContain(`refusing to follow ${path}`)
    expect(cli.stdout()).toContain(
      `following ${path} (${files[0]!.id}, not followed: see the error)`
    )
  }, 30_000)

  it('--allow-insecure-dir follows it', async () => {
    const dir = join(t.dir, 'shared')
    await mkdir(dir)
    await chmod(dir, 0o777)
    const path = join(dir, 'app.log')
    await writeFile(path, 'visible\n')
    const cli = runCli(['--port', '0', '--allow-insecure-dir', path])
    const url = await cli.url
    const files = (await (await fetch(`${url}api/files`)).json()) as { id: string; state: string }[]
    expect(files[0]?.state).toBe('following')
    expect(await (await fetch(`${url}download?file=${files[0]!.id}`)).text()).toBe('visible\n')
  }, 30_000)
})
