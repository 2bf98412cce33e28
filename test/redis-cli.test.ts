/**
 * The --redis options of the CLI: the role follows from whether files are given.
 */
import { describe, expect, it } from 'vitest'
import { parseCli, UsageError } from '../src/cli.js'

describe('taillight --redis', () => {
  it('an edge needs no file; a watcher keeps its files', () => {
    expect(parseCli(['--redis', 'redis://10.0.0.5:6379'], {})).toMatchObject({
      redis: 'redis://10.0.0.5:6379',
      files: [],
      redisMaxLen: 100_000,
    })
    const env = { TAILLIGHT_REDIS: 'rediss://u:p@h:6380/1', TAILLIGHT_REDIS_MAXLEN: '5000' }
    expect(parseCli(['/nonexistent/app.log'], env)).toMatchObject({
      redis: 'rediss://u:p@h:6380/1',
      files: ['/nonexistent/app.log'],
      redisMaxLen: 5000,
    })
  })

  it('rejects what is not a Redis URL, and no file without --redis', () => {
    expect(() => parseCli(['--redis', 'http://x'], {})).toThrow(UsageError)
    expect(() => parseCli(['--redis', 'redis://x', '--redis-maxlen', '5'], {})).toThrow(/100/)
    expect(() => parseCli([], {})).toThrow(/no file given/)
  })
})
