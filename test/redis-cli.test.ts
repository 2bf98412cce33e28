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

  it('takes a Sentinel URL, and --redis-cluster for Cluster seed nodes', () => {
    const sentinel = 'redis+sentinel://10.0.0.5:26379,10.0.0.6:26379/mymaster'
    expect(parseCli(['--redis', sentinel], {})).toMatchObject({
      redis: sentinel,
      redisCluster: false,
    })
    expect(parseCli(['--redis', 'redis://10.0.0.5:7000', '--redis-cluster'], {})).toMatchObject({
      redisCluster: true,
    })
    expect(
      parseCli(['--redis', 'redis://10.0.0.5:7000'], { TAILLIGHT_REDIS_CLUSTER: '1' })
    ).toMatchObject({ redisCluster: true })
    expect(() => parseCli(['--redis-cluster', '/x.log'], {})).toThrow(
      /--redis-cluster needs --redis/
    )
    expect(() => parseCli(['--redis', sentinel, '--redis-cluster'], {})).toThrow(/not a Sentinel/)
  })

  it('takes the lease time of a watcher, 1 s to 60 s, 5 s by default', () => {
    expect(parseCli(['--redis', 'redis://h', '/x.log'], {})).toMatchObject({ redisLeaseMs: 5000 })
    expect(parseCli(['--redis', 'redis://h', '--redis-lease', '1500', '/x.log'], {})).toMatchObject(
      { redisLeaseMs: 1500 }
    )
    expect(
      parseCli(['--redis', 'redis://h', '/x.log'], { TAILLIGHT_REDIS_LEASE: '2000' })
    ).toMatchObject({ redisLeaseMs: 2000 })
    expect(() => parseCli(['--redis', 'redis://h', '--redis-lease', '500', '/x.log'], {})).toThrow(
      /redis-lease/
    )
    expect(() => parseCli(['--redis', 'redis://h', '--redis-lease', 'soon', '/x.log'], {})).toThrow(
      UsageError
    )
  })

  it('rejects what is not a Redis URL, and no file without --redis', () => {
    expect(() => parseCli(['--redis', 'http://x'], {})).toThrow(UsageError)
    expect(() => parseCli(['--redis', 'redis://x', '--redis-maxlen', '5'], {})).toThrow(/100/)
    expect(() => parseCli([], {})).toThrow(/no file given/)
  })
})
