/**
 * @module `--workers`: from a flag, TAILLIGHT_WORKERS or the config file; `auto` is one per
 * core; anything else outside 1..64 is a usage error naming where it came from.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseCli } from '../src/cli-options.js'
import { WORKER_SEMI_SPACE_MB, workerExecArgv } from '../src/server/node-cluster.js'

const dir = mkdtempSync(join(tmpdir(), 'tl-workers-opt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const workers = (argv: string[], env: Record<string, string> = {}) => {
  const o = parseCli([...argv, join(dir, 'a.log')], env)
  if (typeof o === 'string') throw new Error(o)
  return o.workers
}

describe('--workers', () => {
  it('is 1 unless asked; a number, or auto for one per core', () => {
    expect(workers([])).toBe(1)
    expect(workers(['--workers', '3'])).toBe(3)
    expect(workers(['--workers', 'auto'])).toBe(availableParallelism())
    expect(workers([], { TAILLIGHT_WORKERS: '2' })).toBe(2)
    expect(workers(['--workers', '4'], { TAILLIGHT_WORKERS: '2' })).toBe(4)
  })

  it('comes from the config file too, a number or auto', () => {
    const config = join(dir, 'c.yaml')
    writeFileSync(config, 'workers: 2\n')
    expect(workers(['--config', config])).toBe(2)
    writeFileSync(config, 'workers: auto\n')
    expect(workers(['--config', config])).toBe(availableParallelism())
    writeFileSync(config, 'workers: [1]\n')
    expect(() => workers(['--config', config])).toThrow(/workers must be a single value/)
  })

  it('refuses what is not 1 to 64 or auto, saying where it came from', () => {
    expect(() => workers(['--workers', '0'])).toThrow(/--workers must be an integer from 1 to 64/)
    expect(() => workers(['--workers', '65'])).toThrow(/--workers/)
    expect(() => workers([], { TAILLIGHT_WORKERS: 'many' })).toThrow(/TAILLIGHT_WORKERS/)
  })
})

describe("the workers' Node flags", () => {
  const small = `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`

  it("are the primary's own plus a small young generation", () => {
    expect(workerExecArgv([])).toEqual([small])
    expect(workerExecArgv(['--enable-source-maps'], '--trace-warnings')).toEqual([
      '--enable-source-maps',
      small,
    ])
  })

  it('leave the young generation alone when the operator chose one, in flags or NODE_OPTIONS', () => {
    expect(workerExecArgv(['--max-semi-space-size=16'])).toEqual(['--max-semi-space-size=16'])
    expect(workerExecArgv([], '--require x.cjs --max_semi_space_size=8')).toEqual([])
    expect(workerExecArgv(['--min-semi-space-size=4'])).toEqual(['--min-semi-space-size=4'])
  })
})
