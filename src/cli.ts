/**
 * @module The taillight command: parse options, follow the files, serve them.
 */
import { readFileSync, statSync } from 'node:fs'
import { parseArgs } from 'node:util'
import type { LogSource } from './core/log-source.js'
import { createFileSource, type FileSource } from './follow/file-source.js'
import { createEdgeSources, renderRedisMetrics, startWatcherPublishing } from './redis/roles.js'
import type { EdgeSources, WatcherPublishing } from './redis/roles.js'
import { MAX_LINES } from './server/app.js'
import { fileIds } from './server/file-ids.js'
import { hostAllowList, isLoopback } from './server/host-check.js'
import { jwtVerifier } from './server/jwt-auth.js'
import { startDemo, type Demo } from './server/node-demo.js'
import { serve, type RunningServer } from './server/serve.js'

export const DEFAULT_PORT = 7878

const HELP = `Usage: taillight [options] <file...>
       taillight --redis URL [options] [file...]

Follows log files and streams new lines to browsers (Server-Sent Events).

Options (environment variable in brackets):
  --host HOST          address to bind (default 127.0.0.1)          [TAILLIGHT_HOST]
  --allowed-hosts A,B  more Host names to answer to, e.g. a reverse  [TAILLIGHT_ALLOWED_HOSTS]
                       proxy's (.example.com allows its subdomains); bound to loopback,
                       only localhost, 127.0.0.1 and [::1] are answered otherwise, which
                       stops DNS rebinding attacks from web pages
  --port N             port, 0 picks a free one (default ${DEFAULT_PORT})      [TAILLIGHT_PORT]
  --lines N            lines shown on connect (default 10)           [TAILLIGHT_LINES]
  --poll               poll instead of kernel notification           [TAILLIGHT_POLL=1]
  --token-file PATH    require the token in this file (first line)   [TAILLIGHT_TOKEN_FILE]
  --token T            the same, given inline: visible to every local [TAILLIGHT_TOKEN]
                       user in ps, so prefer TAILLIGHT_TOKEN or --token-file. Browsers
                       get a sign-in form, and a ?token= link is traded for a cookie at once
  --auth-jwks URL      accept JWT bearer tokens signed by a key of    [TAILLIGHT_AUTH_JWKS]
                       this JWKS (your identity provider's jwks_uri)
  --auth-issuer ISS    required iss claim of those tokens            [TAILLIGHT_AUTH_ISSUER]
  --auth-audience AUD  required aud claim of those tokens            [TAILLIGHT_AUTH_AUDIENCE]
  --max-clients N      most SSE clients at once (default 10000)      [TAILLIGHT_MAX_CLIENTS]
  --demo               write and follow a growing sample log         [TAILLIGHT_DEMO=1]
  --redis URL          scale-out (docs/deploy.md): with files, also  [TAILLIGHT_REDIS]
                       publish them to Redis; without, serve the files published there
  --redis-maxlen N     batches kept per file in Redis (default 100000) [TAILLIGHT_REDIS_MAXLEN]
  -h, --help           show this help
  -v, --version        show the version
`

export interface CliOptions {
  host: string
  allowedHosts: string[]
  port: number
  lines: number
  poll: boolean
  token?: string
  auth?: { jwks: string; issuer?: string; audience?: string }
  maxClients: number
  demo: boolean
  files: string[]
  redis?: string
  redisMaxLen: number
}

export class UsageError extends Error {
  readonly code = 'E_USAGE'
}

const int = (v: string, name: string, min: number, max: number): number => {
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${v}'`)
  }
  return Number(v)
}

const bool = (v: string, name: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(v)) return true
  if (/^(0|false|no|off|)$/i.test(v)) return false
  throw new UsageError(`${name} must be 1 or 0, got '${v}'`)
}

/** Options from argv, then the environment for what argv does not set. */
export function parseCli(
  argv: string[],
  env: Record<string, string | undefined>
): CliOptions | 'help' | 'version' {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        host: { type: 'string' },
        'allowed-hosts': { type: 'string' },
        port: { type: 'string' },
        lines: { type: 'string' },
        poll: { type: 'boolean' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'auth-jwks': { type: 'string' },
        'auth-issuer': { type: 'string' },
        'auth-audience': { type: 'string' },
        'max-clients': { type: 'string' },
        demo: { type: 'boolean' },
        redis: { type: 'string' },
        'redis-maxlen': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    })
  } catch (err) {
    const msg = (err as Error).message
    const unknown = /^Unknown option '([^']+)'/.exec(msg)
    throw new UsageError(
      unknown ? `unknown option '${unknown[1]}'` : (msg.split('\n')[0] as string)
    )
  }
  const v = parsed.values
  if (v.help) return 'help'
  if (v.version) return 'version'
  // Flag wins over environment; the error names whichever was used.
  const pick = (flag: keyof typeof v, envName: string) => {
    const f = v[flag]
    if (typeof f === 'string') return { value: f, name: `--${flag}` }
    const e = env[envName]
    return e === undefined ? undefined : { value: e, name: envName }
  }
  const num = (flag: keyof typeof v, envName: string, min: number, max: number, d: number) => {
    const p = pick(flag, envName)
    return p ? int(p.value, p.name, min, max) : d
  }
  const flag = (name: 'poll' | 'demo', envName: string) =>
    v[name] === true || (env[envName] !== undefined && bool(env[envName] as string, envName))
  const host = pick('host', 'TAILLIGHT_HOST')?.value ?? '127.0.0.1'
  if (!/^[^\s/?#@]+$/.test(host)) throw new UsageError(`bad host '${host}'`)
  const tok =
    pick('token', 'TAILLIGHT_TOKEN') ?? tokenFromFile(pick('token-file', 'TAILLIGHT_TOKEN_FILE'))
  if (tok && !/^[\x21-\x7e]{1,256}$/.test(tok.value)) {
    throw new UsageError(`${tok.name} must be 1 to 256 printable ASCII characters without spaces`)
  }
  const allowedHosts = hostList(pick('allowed-hosts', 'TAILLIGHT_ALLOWED_HOSTS'))
  const opts: CliOptions = {
    host,
    allowedHosts,
    port: num('port', 'TAILLIGHT_PORT', 0, 65535, DEFAULT_PORT),
    lines: num('lines', 'TAILLIGHT_LINES', 0, MAX_LINES, 10),
    poll: flag('poll', 'TAILLIGHT_POLL'),
    maxClients: num('max-clients', 'TAILLIGHT_MAX_CLIENTS', 1, 1_000_000, 10_000),
    demo: flag('demo', 'TAILLIGHT_DEMO'),
    files: parsed.positionals,
    redisMaxLen: num('redis-maxlen', 'TAILLIGHT_REDIS_MAXLEN', 100, 100_000_000, 100_000),
  }
  if (tok) opts.token = tok.value
  const jwks = pick('auth-jwks', 'TAILLIGHT_AUTH_JWKS')
  const issuer = pick('auth-issuer', 'TAILLIGHT_AUTH_ISSUER')?.value
  const audience = pick('auth-audience', 'TAILLIGHT_AUTH_AUDIENCE')?.value
  if (jwks) {
    if (!/^https?:\/\/\S+$/.test(jwks.value)) {
      throw new UsageError(`${jwks.name} must be an http:// or https:// URL`)
    }
    opts.auth = { jwks: jwks.value, issuer, audience }
  } else if (issuer !== undefined || audience !== undefined) {
    throw new UsageError('--auth-issuer and --auth-audience need --auth-jwks')
  }
  const redis = pick('redis', 'TAILLIGHT_REDIS')
  if (redis && !/^rediss?:\/\/\S+$/.test(redis.value)) {
    throw new UsageError(`${redis.name} must be a redis:// or rediss:// URL`)
  }
  if (redis) opts.redis = redis.value
  if (opts.files.length === 0 && !opts.demo && !opts.redis) throw new UsageError('no file given')
  for (const f of opts.files) {
    let st
    try {
      st = statSync(f)
    } catch {
      continue // a missing file is waited for
    }
    if (st.isDirectory()) throw new UsageError(`${f} is a directory`)
    if (!st.isFile()) throw new UsageError(`${f} is not a regular file`)
  }
  return opts
}

/** The first line of a token file, as `{value, name}` so errors name the file. */
function tokenFromFile(p: { value: string; name: string } | undefined) {
  if (!p) return undefined
  let text
  try {
    text = readFileSync(p.value, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
    throw new UsageError(`${p.name}: cannot read ${p.value} (${code})`)
  }
  return { value: (text.split(/\r?\n/)[0] ?? '').trim(), name: `${p.name} ${p.value}` }
}

/** `a.example,.b.example`: names (a leading dot for subdomains) or IP literals, no ports. */
function hostList(p: { value: string; name: string } | undefined): string[] {
  if (!p) return []
  const names = p.value.split(',').map((s) => s.trim())
  for (const n of names) {
    if (
      !/^(\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])$/i.test(
        n
      )
    ) {
      throw new UsageError(`${p.name} must be a comma-separated list of host names, got '${n}'`)
    }
  }
  return names
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

/** Runs the command; resolves with the exit code once started or failed (signals exit later). */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<number> {
  let opts
  try {
    opts = parseCli(argv, env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`taillight: ${err.message} (see taillight --help)\n`)
    return 2
  }
  if (opts === 'help' || opts === 'version') {
    process.stdout.write(opts === 'help' ? HELP : `${version()}\n`)
    return 0
  }

  let demo: Demo | undefined
  const sources: FileSource[] = []
  let served: readonly LogSource[] = sources
  let node: RunningServer | undefined
  let redis: WatcherPublishing | EdgeSources | undefined
  const stop = async () => {
    await node?.close(400)
    await Promise.race([
      Promise.allSettled([...sources.map((s) => s.close()), redis?.close(200)]),
      new Promise((r) => setTimeout(r, 300)),
    ])
    demo?.stop()
  }
  try {
    if (opts.demo) {
      demo = startDemo()
      opts.files.unshift(demo.path)
    }
    if (opts.redis && opts.files.length === 0) {
      const edge = await createEdgeSources(opts.redis)
      redis = edge
      served = edge.sources
    }
    const ids = fileIds(opts.files)
    for (const [i, path] of opts.files.entries()) {
      const s = await createFileSource(ids[i] as string, path, { poll: opts.poll })
      sources.push(s)
      s.subscribe((e) => {
        if (e.type === 'error')
          process.stderr.write(`taillight: ${e.code} ${e.path}: ${e.message}\n`)
        else if (e.type === 'missing') process.stderr.write(`taillight: waiting for ${e.path}\n`)
      })
      // Missing or broken already at start (the event fired before we subscribed): say so here.
      const phase = s.follower.phase
      if (phase.kind === 'missing') process.stderr.write(`taillight: waiting for ${path}\n`)
      else if (phase.kind === 'error') {
        process.stderr.write(`taillight: ${phase.code} ${s.follower.path}: ${phase.message}\n`)
      }
    }
    node = await serve(
      {
        sources: served,
        version: version(),
        token: opts.token,
        hostCheck: hostAllowList(opts.host, opts.allowedHosts),
        jwt: opts.auth
          ? jwtVerifier({
              jwksUrl: opts.auth.jwks,
              issuer: opts.auth.issuer,
              audience: opts.auth.audience,
            })
          : undefined,
        maxClients: opts.maxClients,
        lines: opts.lines,
        health: () => (redis ? { redis: redis.health() } : {}),
        metricsText: () => (redis ? renderRedisMetrics(redis.health()) : ''),
      },
      { host: opts.host, port: opts.port }
    )
    if (opts.redis && sources.length > 0) {
      redis = startWatcherPublishing(sources, opts.redis, {
        maxLen: opts.redisMaxLen,
        watcherUrl: node.url,
      })
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    process.stderr.write(`taillight: ${e.code ? `${e.code} ` : ''}${e.message}\n`)
    await stop()
    return 1
  }
  const files = served.map((s) => `${s.path} (${s.id}, ${s.info().backend.backend})`).join(', ')
  process.stdout.write(
    `taillight ${version()} (${node.runtime}) listening on ${node.url}${opts.token ? ' (token required)' : ''}\n` +
      `following ${files}\n`
  )
  if (!isLoopback(opts.host) && !opts.token && !opts.auth) {
    process.stderr.write(
      `taillight: warning: listening on ${opts.host} without --token: anyone who can reach ` +
        'this address can read every followed file; use a token (TAILLIGHT_TOKEN) or bind ' +
        '127.0.0.1 behind an authenticating proxy\n'
    )
  }
  // Never a silent fallback: polling costs latency, so say which file polls and why.
  for (const s of sources) {
    const { backend, reason } = s.info().backend
    if (backend === 'poll' && reason !== 'forced') {
      process.stderr.write(`taillight: warning: polling ${s.path}: ${reason}\n`)
    }
  }
  let stopping = false
  const shutdown = () => {
    if (stopping) return process.exit(0)
    stopping = true
    // Exit within a second whatever happens.
    setTimeout(() => process.exit(0), 900).unref()
    void stop().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // A hang-up (a closed terminal, a service manager's reload) must not kill a log watcher
  // silently; there is no configuration to reload yet, so say so and carry on.
  process.on('SIGHUP', () => {
    process.stderr.write('taillight: SIGHUP received: nothing to reload, still running\n')
  })
  return 0
}
