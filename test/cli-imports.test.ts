/**
 * @module What the command loads before it knows its part: the static imports of cli.ts and of
 * the cluster hook, read from the built files. The primary of `--workers N` runs only these, so
 * a static import of the server, the Redis client or the JWT verifier in them puts tens of MB
 * back into a process that only passes connections on (cli-run.ts loads them, and only there).
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt } from './helpers/cli.js'

const dist = fileURLToPath(new URL('../dist', import.meta.url))

/** Every module reached by static `import`/`export … from` from `entry`: dist paths and packages. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>()
  const todo = [join(dist, entry)]
  while (todo.length > 0) {
    const file = todo.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    // tsc prints each import on one line; `import(...)` (dynamic) does not match.
    for (const m of text.matchAll(
      /^(?:import|export)\s[^;'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm
    )) {
      const spec = (m[1] ?? m[2])!
      if (spec.startsWith('.')) todo.push(resolve(dirname(file), spec))
      else seen.add(spec)
    }
  }
  return seen
}

beforeAll(() => ensureBuilt(), 180_000)

describe("the command's start", () => {
  it('loads neither the server nor Redis, JWT, alerts or TLS before it knows its part', () => {
    const graph = [...staticGraph('cli.js'), ...staticGraph('server/node-cluster.js')]
    const pkgs = graph.filter((s) => !s.startsWith('/'))
    const files = graph.filter((s) => s.startsWith('/')).map((f) => f.slice(dist.length + 1))
    expect(files).toContain('cli-options.js')
    expect(files).toContain('server/node-primary.js')
    for (const heavy of ['hono', '@hono/node-server', 'redis', 'jose', 'node:tls', 'node:http']) {
      expect(pkgs).not.toContain(heavy)
    }
    for (const heavy of ['cli-run.js', 'server/app.js', 'server/serve.js', 'redis/roles.js']) {
      expect(files).not.toContain(heavy)
    }
    expect(files.filter((f) => f.startsWith('alerts/alerts'))).toEqual([])
  })

  it('finds the imports it looks for (the reader is not blind)', () => {
    const run = [...staticGraph('cli-run.js')]
    expect(run.some((f) => f.endsWith('/server/serve.js'))).toBe(true)
    expect(run.some((f) => f.endsWith('/cli-files.js'))).toBe(true)
  })
})
