import { loadNative } from '../src/follow/native.js'
import { followerContract } from './follower.case.js'
import { describe, it } from 'vitest'

const native = loadNative()

if (native.binding) followerContract('native', () => ({ native: native.binding }))
else if (process.env.CI) {
  describe('follower contract (native)', () => {
    it('needs the native addon in CI', () => {
      throw new Error(`native addon not loaded: ${native.reason}. Run npm run build:native.`)
    })
  })
} else console.warn(`\n*** SKIPPED the native follower contract: ${native.reason} ***\n`)

followerContract('poll', () => ({ poll: true, native: null }))
