/**
 * @module parseCli: options from flags, then the environment, then the config file, each value
 * checked the same way wherever it came from.
 */
import { statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { DEFAULT_MAX_FILES, DEFAULT_PORT } from './cli-help.js'
import { tlsFiles, type TlsFiles } from './cli-tls.js'
import { bool, hostList, int, tokenFromFile, UsageError } from './cli-values.js'
import { patternProblem, isPattern } from './config/file-set.js'
import { loadConfig } from './config/load-config.js'
import type { ConfigValues, FileSpec } from './config/schema.js'
import type { AlertSpec } from './alerts/rule.js'
import { publicUrlProblem } from './alerts/payload.js'
import { MAX_LINES } from './server/query.js'
import { normalizeBasePath } from './server/base-path.js'

export { UsageError } from './cli-values.js'

export interface CliOptions {
  host: string
  allowedHosts: string[]
  port: number
  lines: number
  poll: boolean
  token?: string
  auth?: { jwks: string; issuer?: string; audience?: string }
  /** Serve under this path behind a reverse proxy: '' or `/a/b`. */
  basePath: string
  /** Serve HTTPS (HTTP/2 with HTTP/1.1 fallback) with this certificate and key. */
  tls?: TlsFiles
  /** Browser sign-in with OpenID Connect. */
  oidc?: { issuer: string; clientId: string; clientSecret?: string }
  maxClients: number
  maxFiles: number
  /** Rotated siblings (app.log.1, app.log.2.gz) scrollback and search reach: 0 none. */
  history: number
  /** Processes serving the port (node:cluster); 1 is one process, no cluster. */
  workers: number
  demo: boolean
  /** Serve what watchers publish in Redis; the config's entries only give groups and lines. */
  edge: boolean
  /** --redis names Redis Cluster seed nodes. */
  redisCluster: boolean
  /** A watcher's lease per file in ms: how long a standby waits before it takes over. */
  redisLeaseMs: number
  /** The files on the command line (paths, patterns or directories). */
  files: string[]
  /** Every entry to follow: the config file's, then the command line's. */
  specs: FileSpec[]
  /** The config file, when one was given. */
  config?: string
  /** --check-config: validate and exit. */
  check: boolean
  redis?: string
  redisMaxLen: number
  /** The page's address as users reach it (alerts carry permalinks under it). */
  publicUrl?: string
  /** Follow files in directories other users may write (no symlink-swap check). */
  allowInsecureDir: boolean
  /** The config file's `alerts:` rules. */
  alerts: AlertSpec[]
}

const FLAGS = {
  config: { type: 'string' },
  'check-config': { type: 'string' },
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
  'base-path': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'oidc-issuer': { type: 'string' },
  'oidc-client-id': { type: 'string' },
  'oidc-client-secret': { type: 'string' },
  'max-clients': { type: 'string' },
  'max-files': { type: 'string' },
  history: { type: 'string' },
  workers: { type: 'string' },
  demo: { type: 'boolean' },
  edge: { type: 'boolean' },
  'redis-cluster': { type: 'boolean' },
  'redis-lease': { type: 'string' },
  redis: { type: 'string' },
  'redis-maxlen': { type: 'string' },
  'public-url': { type: 'string' },
  'allow-insecure-dir': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const

/** --history's default, all siblings found (logrotate keeps `rotate N`, far fewer). */
export const MAX_HISTORY = 100_000

/** Options from argv, then the environment, then the config file for what neither sets. */
export function parseCli(
  argv: string[],
  env: Record<string, string | undefined>
): CliOptions | 'help' | 'version' {
  let parsed
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: FLAGS })
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
  const check = v['check-config']
  const configPath = check ?? v.config ?? env.TAILLIGHT_CONFIG
  const config: ConfigValues | undefined = configPath ? loadConfig(configPath) : undefined
  try {
    return resolve(v, parsed.positionals, env, config, configPath, check !== undefined)
  } catch (err) {
    if (err instanceof UsageError && configPath && err.message.startsWith(`${configPath}:`)) {
      err.config = true
    }
    throw err
  }
}

type Values = {
  [K in keyof typeof FLAGS]?: (typeof FLAGS)[K]['type'] extends 'string' ? string : boolean
}

function resolve(
  v: Values,
  positionals: string[],
  env: Record<string, string | undefined>,
  config: ConfigValues | undefined,
  configPath: string | undefined,
  check: boolean
): CliOptions {
  // Flag wins over environment wins over the file; the error names whichever was used.
  const pick = (flag: keyof Values, envName: string) => {
    const f = v[flag]
    if (typeof f === 'string') return { value: f, name: `--${flag}` }
    const e = env[envName]
    if (e !== undefined) return { value: e, name: envName }
    return config?.options.get(flag)
  }
  const num = (flag: keyof Values, envName: string, min: number, max: number, d: number) => {
    const p = pick(flag, envName)
    return p ? int(p.value, p.name, min, max) : d
  }
  const flag = (
    name: 'poll' | 'demo' | 'edge' | 'allow-insecure-dir' | 'redis-cluster',
    envName: string
  ) => {
    if (v[name] === true) return true
    const p =
      env[envName] !== undefined
        ? { value: env[envName], name: envName }
        : config?.options.get(name)
    return p !== undefined && bool(p.value as string, p.name)
  }
  const host = pick('host', 'TAILLIGHT_HOST')?.value ?? '127.0.0.1'
  if (!/^[^\s/?#@]+$/.test(host)) throw new UsageError(`bad host '${host}'`)
  const tok =
    pick('token', 'TAILLIGHT_TOKEN') ?? tokenFromFile(pick('token-file', 'TAILLIGHT_TOKEN_FILE'))
  if (tok && !/^[\x21-\x7e]{1,256}$/.test(tok.value)) {
    throw new UsageError(`${tok.name} must be 1 to 256 printable ASCII characters without spaces`)
  }
  const opts: CliOptions = {
    host,
    allowedHosts: hostList(pick('allowed-hosts', 'TAILLIGHT_ALLOWED_HOSTS')),
    basePath: basePath(pick('base-path', 'TAILLIGHT_BASE_PATH')),
    port: num('port', 'TAILLIGHT_PORT', 0, 65535, DEFAULT_PORT),
    lines: num('lines', 'TAILLIGHT_LINES', 0, MAX_LINES, 10),
    poll: flag('poll', 'TAILLIGHT_POLL'),
    maxClients: num('max-clients', 'TAILLIGHT_MAX_CLIENTS', 1, 1_000_000, 10_000),
    maxFiles: num('max-files', 'TAILLIGHT_MAX_FILES', 1, 100_000, DEFAULT_MAX_FILES),
    history: num('history', 'TAILLIGHT_HISTORY', 0, MAX_HISTORY, MAX_HISTORY),
    workers: workerCount(pick('workers', 'TAILLIGHT_WORKERS')),
    demo: flag('demo', 'TAILLIGHT_DEMO'),
    edge: flag('edge', 'TAILLIGHT_EDGE'),
    redisCluster: flag('redis-cluster', 'TAILLIGHT_REDIS_CLUSTER'),
    files: positionals,
    specs: [...(config?.files ?? []), ...positionals.map((path) => ({ path }))],
    check,
    redisMaxLen: num('redis-maxlen', 'TAILLIGHT_REDIS_MAXLEN', 100, 100_000_000, 100_000),
    redisLeaseMs: num('redis-lease', 'TAILLIGHT_REDIS_LEASE', 1000, 60_000, 5000),
    allowInsecureDir: flag('allow-insecure-dir', 'TAILLIGHT_ALLOW_INSECURE_DIR'),
    alerts: config?.alerts ?? [],
  }
  if (configPath) opts.config = configPath
  if (tok) opts.token = tok.value
  const pub = pick('public-url', 'TAILLIGHT_PUBLIC_URL')
  const pubProblem = pub && publicUrlProblem(pub.value)
  if (pubProblem) throw new UsageError(`${pub.name} ${pubProblem}`)
  if (pub) opts.publicUrl = pub.value
  const tls = tlsFiles(pick('tls-cert', 'TAILLIGHT_TLS_CERT'), pick('tls-key', 'TAILLIGHT_TLS_KEY'))
  if (tls) opts.tls = tls
  const oidc = oidcOptions(
    pick('oidc-issuer', 'TAILLIGHT_OIDC_ISSUER'),
    pick('oidc-client-id', 'TAILLIGHT_OIDC_CLIENT_ID'),
    pick('oidc-client-secret', 'TAILLIGHT_OIDC_CLIENT_SECRET')
  )
  if (oidc) opts.oidc = oidc
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
  if (redis && !/^(rediss?|redis\+sentinel):\/\/\S+$/.test(redis.value)) {
    throw new UsageError(`${redis.name} must be a redis://, rediss:// or redis+sentinel:// URL`)
  }
  if (redis) opts.redis = redis.value
  if (opts.edge && !opts.redis) throw new UsageError('--edge needs --redis')
  if (opts.redisCluster && !opts.redis) throw new UsageError('--redis-cluster needs --redis')
  if (opts.redisCluster && opts.redis?.startsWith('redis+sentinel:')) {
    throw new UsageError('--redis-cluster takes redis:// seed nodes, not a Sentinel URL')
  }
  if (opts.edge && (opts.files.length > 0 || opts.demo)) {
    throw new UsageError('--edge serves the files watchers publish: it takes no files')
  }
  if (opts.specs.length === 0 && !opts.demo && !opts.redis) throw new UsageError('no file given')
  for (const f of opts.files) checkPositional(f)
  return opts
}

type Picked = { value: string; name: string } | undefined

function oidcOptions(issuer: Picked, clientId: Picked, secret: Picked): CliOptions['oidc'] {
  if (!issuer) {
    if (clientId || secret) throw new UsageError('--oidc-client-id and -secret need --oidc-issuer')
    return undefined
  }
  if (!/^https?:\/\/\S+$/.test(issuer.value)) {
    throw new UsageError(`${issuer.name} must be an http:// or https:// URL`)
  }
  if (!clientId) throw new UsageError('--oidc-issuer needs --oidc-client-id')
  return { issuer: issuer.value, clientId: clientId.value, clientSecret: secret?.value }
}

function basePath(p: { value: string; name: string } | undefined): string {
  try {
    return normalizeBasePath(p?.value)
  } catch (err) {
    throw new UsageError(`${p?.name}: ${(err as Error).message}`)
  }
}

/** --workers N or `auto` (one per core the process may use). */
function workerCount(p: { value: string; name: string } | undefined): number {
  if (p?.value === 'auto') return availableParallelism()
  return p ? int(p.value, p.name, 1, 64) : 1
}

/** A path on the command line: a well-formed pattern, a directory, or a (future) regular file. */
function checkPositional(f: string): void {
  const problem = patternProblem(f)
  if (problem) throw new UsageError(`${f} ${problem}`)
  if (isPattern(f)) return
  let st
  try {
    st = statSync(f)
  } catch {
    return // a missing file is waited for
  }
  if (!st.isFile() && !st.isDirectory()) throw new UsageError(`${f} is not a regular file`)
}
