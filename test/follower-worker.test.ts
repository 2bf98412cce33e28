import { execFile } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { loadNative } from '../src/follow/native.js'
import { tempDir } from './helpers/fs.js'

const dist = resolve('dist/follow/follower.js')

it('a Worker that exits or is terminated with an active follower does not crash the process', async () => {
  if (!existsSync(dist)) throw new Error('dist/ is missing: run `npm run build` (npm test does)')
  const { dir, cleanup } = await tempDir()
  try {
    const log = join(dir, 'a.log')
    writeFileSync(log, '')
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['test/fixtures/follower-workers.mjs', pathToFileURL(dist).href, log],
      { timeout: 20_000 }
    )
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')
    expect(out.ok).toBe(true)
    const native = loadNative().binding
    if (native) expect(out.backends).toEqual([native.backend])
  } finally {
    await cleanup()
  }
})
