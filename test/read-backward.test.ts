import { mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'

import { describe, expect, it } from 'vitest'

import { loadNative } from '../src/follow/native.js'
import { readBackward, readBackwardTs } from '../src/follow/read-backward.js'
import { runReadBackwardContract } from './read-backward.case.js'

const { binding, reason } = loadNative()

runReadBackwardContract('typescript fallback', (fd, end, maxLines, maxBytes, chunk) =>
  readBackwardTs(fd, end, maxLines, maxBytes, chunk)
)

if (binding) {
  // Through the chooser, which hands the fd to the addon.
  runReadBackwardContract(`native (${binding.backend})`, (fd, end, maxLines, maxBytes, chunk) =>
    readBackward(fd, end, maxLines, maxBytes, chunk, binding)
  )

  it('native readBackward checks its arguments synchronously', () => {
    expect(() => binding.readBackward(0, -1, 1, 1, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    )
    expect(() => binding.readBackward(0, '1' as unknown as number, 1, 1, 1)).toThrow(TypeError)
  })
} else if (process.env.CI) {
  it('native addon is available in CI', () => {
    throw new Error(`native addon missing: ${reason}`)
  })
} else {
  console.warn(`\n!!! SKIPPING native readBackward tests: ${reason}\n`)
  describe.skip('readBackward contract: native', () => {
    it('needs the addon', () => undefined)
  })
}

describe('readBackward with a FileHandle', () => {
  it('reads through FileHandle.read without moving the file position', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'taillight-rb-fh-'))
    try {
      const p = path.join(dir, 'a.log')
      await writeFile(p, 'one\ntwo\nthree\n')
      const fh = await open(p, 'r')
      try {
        const got = await readBackward(fh, 14, 2, 1000)
        expect(got).toMatchObject({ start: 4, hitLimit: false })
        expect(got.data.toString()).toBe('two\nthree\n')
        const { bytesRead, buffer } = await fh.read(Buffer.alloc(3), 0, 3, null)
        expect(buffer.subarray(0, bytesRead).toString()).toBe('one')
      } finally {
        await fh.close()
      }
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
