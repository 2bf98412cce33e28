/**
 * @module What `--redis` accepts, and the node-redis client each form makes.
 *
 * - `redis://[user:pass@]host:port[/db]` (and `rediss://`): one server;
 * - `redis+sentinel://[user:pass@]host:port,host:port/mastername`: the primary Redis Sentinel
 *   names, found again after a failover (node-redis `createSentinel`);
 * - with `cluster: true`, the URL's hosts are Cluster seed nodes (`createCluster`; every key of
 *   a file shares one hash tag, protocol.ts).
 * The offline queue is off in every form: while Redis is away commands fail at once instead of
 * piling up in memory; callers keep their own bounded state and retry.
 */
import { createClient, createCluster, createSentinel } from 'redis'

export interface Driver {
  /** server: every error is about the one connection; else errors may be of other nodes. */
  kind: 'server' | 'sentinel' | 'cluster'
  on(event: string, fn: (arg: never) => void): unknown
  connect(): Promise<unknown>
  sendCommand(args: string[], options?: { timeout?: number }): Promise<unknown>
  destroy(): unknown
}

export interface DriverOptions {
  name: string
  connectTimeoutMs: number
  reconnectStrategy: (retries: number) => number
  cluster?: boolean
}

const fail = (code: string, url: string, why: string) =>
  Object.assign(new Error(`${why}: ${redactUrl(url)}`), { code, url: redactUrl(url) })

export function redactUrl(url: string): string {
  const m = /^([a-z+]+:\/\/)([^@/]*@)?(.*)$/i.exec(url)
  if (!m) return 'redis://(unparsable)'
  return m[2] && m[2].includes(':') ? `${m[1]}${m[2].split(':')[0]}:***@${m[3]}` : url
}

/** host:port pairs and credentials of a URL, for Sentinel and Cluster seed lists. */
function parseNodes(url: string) {
  const m = /^[a-z+]+:\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#]+)(?:\/([^?#]*))?/i.exec(url)
  if (!m) throw fail('E_REDIS_URL', url, 'not a Redis URL')
  const nodes = (m[3] as string).split(',').map((hp) => {
    const i = hp.lastIndexOf(':')
    const host = (i > 0 ? hp.slice(0, i) : hp).replace(/^\[|\]$/g, '')
    const port = i > 0 ? Number(hp.slice(i + 1)) : 26379
    if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw fail('E_REDIS_URL', url, `bad host:port "${hp}"`)
    }
    return { host, port }
  })
  const dec = (s: string | undefined) => (s ? decodeURIComponent(s) : undefined)
  return { nodes, username: dec(m[1]), password: dec(m[2]), path: m[4] ?? '' }
}

export function createDriver(url: string, o: DriverOptions): Driver {
  const socket = { connectTimeout: o.connectTimeoutMs, reconnectStrategy: o.reconnectStrategy }
  const common = { disableOfflineQueue: true, socket }
  if (url.startsWith('redis+sentinel://')) {
    const { nodes, username, password, path } = parseNodes(url)
    if (!path) throw fail('E_REDIS_URL', url, 'a Sentinel URL names its master: .../mastername')
    const s = createSentinel({
      name: decodeURIComponent(path),
      sentinelRootNodes: nodes,
      // One connection: pipelined appends of a file must reach Redis in the order sent (a pool
      // would spread them over sockets); a blocked XREAD gets a client of its own (duplicate).
      masterPoolSize: 1,
      nodeClientOptions: { ...common, name: o.name, username, password },
      sentinelClientOptions: { socket },
      // Documented as 10 s but off by default: watch the topology ourselves, too.
      scanInterval: 2000,
    })
    return {
      kind: 'sentinel',
      on: (e, fn) => s.on(e, fn as never),
      connect: () => s.connect(),
      sendCommand: (args, opts) => s.sendCommand(false, args, opts),
      destroy: () => void s.destroy().catch(() => undefined),
    }
  }
  if (o.cluster) {
    const { nodes, username, password } = parseNodes(url.replace(/^rediss?:/, 'redis:'))
    const c = createCluster({
      rootNodes: nodes.map((n) => ({ socket: { host: n.host, port: n.port } })),
      defaults: { ...common, name: o.name, username, password },
    })
    return {
      kind: 'cluster',
      on: (e, fn) => c.on(e, fn as never),
      connect: () => c.connect(),
      // Routed by the first key; ours come right after the command name and the script.
      sendCommand: (args, opts) => c.sendCommand(routeKey(args), false, args, opts),
      destroy: () => void c.destroy(),
    }
  }
  if (!/^rediss?:\/\//i.test(url)) throw fail('E_REDIS_URL', url, 'not a Redis URL')
  const c = createClient({ url, name: o.name, ...common })
  return {
    kind: 'server',
    on: (e, fn) => c.on(e, fn as never),
    connect: () => c.connect(),
    sendCommand: (args, opts) => c.sendCommand(args, opts),
    destroy: () => c.destroy(),
  }
}

/** The key a command touches first: EVAL script numkeys KEY, XREAD ... STREAMS KEY, CMD KEY. */
export function routeKey(args: readonly string[]): string | undefined {
  const cmd = (args[0] ?? '').toUpperCase()
  if (cmd === 'EVAL' || cmd === 'EVALSHA') return args[3]
  if (cmd === 'XREAD') return args[args.findIndex((a) => a.toUpperCase() === 'STREAMS') + 1]
  return args[1]
}
