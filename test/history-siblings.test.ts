/**
 * Finding a followed path's rotated siblings (src/archive/siblings.ts) and the --history option
 * (flag, environment, config file, help): which names count, in which order, how many.
 */
import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { findSiblings, siblingRank } from '../src/archive/siblings.js'
import { HELP } from '../src/cli-help.js'
import { MAX_HISTORY, parseCli, type CliOptions } from '../src/cli-options.js'
import { useTempDir } from './helpers/fs.js'

const tmp = useTempDir()

describe('rotated siblings', () => {
  it('numbered and dated names count; others, .zst and other files do not', () => {
    expect(siblingRank('app.log', 'app.log.1')).toEqual({ kind: 'num', n: 1 })
    expect(siblingRank('app.log', 'app.log.12.gz')).toEqual({ kind: 'num', n: 12 })
    expect(siblingRank('app.log', 'app.log-20261130')).toEqual({ kind: 'date', key: '20261130' })
    expect(siblingRank('app.log', 'app.log-20261130.gz')).toEqual({ kind: 'date', key: '20261130' })
    expect(siblingRank('app.log', 'app.log-2026-11-30-1700000000.gz')).toMatchObject({
      kind: 'date',
    })
    for (const name of [
      'app.log',
      'app.log.0',
      'app.log.1.zst',
      'app.log.bak',
      'app.log.1.bz2',
      'app.logx.1',
      'xapp.log.1',
      'app.log-',
      'app.log-abc',
      'app.log.1.gz.tmp',
    ])
      expect(siblingRank('app.log', name), name).toBeNull()
  })

  it('newest first, at most N; half way through compress the plain one is used', async () => {
    const dir = tmp.dir
    for (const n of [
      'app.log',
      'app.log.1',
      'app.log.2.gz',
      'app.log.10.gz',
      'app.log.3.gz',
      'app.log.3',
      'app.log.4.zst',
      'other.log.1',
    ])
      writeFileSync(join(dir, n), 'x\n')
    const names = async (limit = 100) =>
      (await findSiblings(join(dir, 'app.log'), limit)).map((s) => s.name)
    expect(await names()).toEqual(['app.log.1', 'app.log.2.gz', 'app.log.3', 'app.log.10.gz'])
    expect(await names(2)).toEqual(['app.log.1', 'app.log.2.gz'])
    expect(await names(0)).toEqual([])
    // A rename keeps a sibling's identity; a replacement (a new file renamed over it) does not.
    const before = (await findSiblings(join(dir, 'app.log'), 100))[0]
    renameSync(join(dir, 'app.log.1'), join(dir, 'app.log.5'))
    const after = (await findSiblings(join(dir, 'app.log'), 100)).find(
      (s) => s.name === 'app.log.5'
    )
    expect(after?.id).toBe(before?.id)
    writeFileSync(join(dir, 'new'), 'y\nz\n')
    renameSync(join(dir, 'new'), join(dir, 'app.log.5'))
    const rewritten = (await findSiblings(join(dir, 'app.log'), 100)).find(
      (s) => s.name === 'app.log.5'
    )
    expect(rewritten?.id).not.toBe(before?.id)
    expect(await findSiblings(join(dir, 'missing-dir', 'app.log'), 10)).toEqual([])
  })

  it('dated names: newest date first', async () => {
    for (const n of ['app.log-20261128.gz', 'app.log-20261130', 'app.log-20261129.gz'])
      writeFileSync(join(tmp.dir, n), 'x\n')
    const found = await findSiblings(join(tmp.dir, 'app.log'), 100)
    expect(found.map((s) => s.name)).toEqual([
      'app.log-20261130',
      'app.log-20261129.gz',
      'app.log-20261128.gz',
    ])
  })
})

describe('--history', () => {
  const opts = (argv: string[], env: Record<string, string> = {}) =>
    parseCli([...argv, '/var/log/a.log'], env) as CliOptions

  it('defaults to all siblings; the flag, the environment and the config file set it', () => {
    expect(opts([]).history).toBe(MAX_HISTORY)
    expect(opts(['--history', '0']).history).toBe(0)
    expect(opts([], { TAILLIGHT_HISTORY: '3' }).history).toBe(3)
    const cfg = join(tmp.dir, 'c.yml')
    writeFileSync(cfg, 'history: 2\n')
    expect(opts(['--config', cfg]).history).toBe(2)
    expect(opts(['--config', cfg, '--history', '5']).history).toBe(5)
    expect(HELP).toContain('--history N')
  })

  it('a bad value is a usage error naming the flag', () => {
    expect(() => opts(['--history', '-1'])).toThrow(/--history/)
    expect(() => opts(['--history', 'lots'])).toThrow(/--history/)
  })
})
