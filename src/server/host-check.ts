/**
 * @module Host allow-list: the defence against DNS rebinding.
 *
 * A page on evil.example can re-point its own name at 127.0.0.1 and then read a loopback server
 * with the browser's help: the request arrives with `Host: evil.example`. The bind address does
 * not help, the Host header does: a server bound to loopback answers only to loopback names
 * (and to the names an operator adds for a reverse proxy), as webpack-dev-server and Vite do.
 */
import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from './context.js'

/** True when a request with this Host name (no port, lower case) may be served. */
export type HostCheck = (hostname: string) => boolean

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = bare(host)
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h)
}

/** An IP literal (v4, or v6 in brackets): never a name DNS rebinding can point somewhere. */
function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:.]+\]$/.test(hostname)
}

function bare(host: string): string {
  return host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
}

/** `Localhost.` and `localhost` are the same name; so are `A.example` and `a.example`. */
export function normalizeHost(name: string): string {
  return name.toLowerCase().replace(/\.$/, '')
}

/**
 * The check for a server bound to `bind`, with `extra` names from --allowed-hosts (an entry
 * starting with a dot also allows every subdomain). Undefined when every Host is accepted: a
 * non-loopback bind with no list, where the operator chose to be reachable by any name.
 */
export function hostAllowList(bind: string, extra: readonly string[] = []): HostCheck | undefined {
  const names = new Set(extra.map(normalizeHost))
  const loopback = isLoopback(bind)
  if (!loopback && names.size === 0) return undefined
  for (const n of LOOPBACK_NAMES) names.add(n)
  const b = bare(bind)
  if (loopback) names.add(b.includes(':') ? `[${b}]` : b)
  const suffixes = [...names].filter((n) => n.startsWith('.'))
  return (hostname) => {
    const h = normalizeHost(hostname)
    if (names.has(h)) return true
    // Bound to a public address with a list: its IP literals are what clients without a name use.
    if (!loopback && isIpLiteral(h)) return true
    return suffixes.some((s) => h.endsWith(s) || h === s.slice(1))
  }
}

/** 403 for a request whose Host is not allowed, before anything else looks at it. */
export function requireHost(check: HostCheck): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    let hostname = ''
    try {
      hostname = new URL(c.req.url).hostname
    } catch {
      // An unparsable Host is not on any list.
    }
    if (hostname !== '' && check(hostname)) return next()
    return c.json(
      {
        error: {
          code: 'host_not_allowed',
          message:
            `Host '${hostname}' is not allowed: this server answers only to the names it was ` +
            'started for (add a reverse proxy name with --allowed-hosts)',
        },
      },
      403
    )
  }
}
