/**
 * @module The command's own words: the text of `taillight --help` (every option, its default and
 * its environment variable), `--version`, and how it tells its user things (stderr).
 */
import { readFileSync } from 'node:fs'

export const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
export const say = (line: string) => process.stderr.write(`taillight: ${line}\n`)

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

export const DEFAULT_PORT = 7878
export const DEFAULT_MAX_FILES = 256

export const HELP = `Usage: taillight [options] <file...>
       taillight --config FILE [options] [file...]
       taillight --redis URL [options] [file...]
       taillight --check-config FILE

Follows log files and streams new lines to browsers (Server-Sent Events). A file may be a
path, a pattern (*, ? and [...] match within one directory level) or a directory (every
regular file in it, not recursive); rotated siblings such as app.log.1 are left out, and
files that start matching later are followed within a second.

Options (environment variable in brackets):
  --config FILE        read options and files from this YAML file;    [TAILLIGHT_CONFIG]
                       flags win over it, SIGHUP reloads its files
  --check-config FILE  check a config file and exit (0 valid, 2 not)
  --host HOST          address to bind (default 127.0.0.1)          [TAILLIGHT_HOST]
  --allowed-hosts A,B  more Host names to answer to, e.g. a reverse  [TAILLIGHT_ALLOWED_HOSTS]
                       proxy's (.example.com allows its subdomains); bound to loopback,
                       only localhost, 127.0.0.1 and [::1] are answered otherwise, which
                       stops DNS rebinding attacks from web pages
  --port N             port, 0 picks a free one (default ${DEFAULT_PORT})      [TAILLIGHT_PORT]
  --lines N            lines shown on connect (default 10)           [TAILLIGHT_LINES]
  --poll               poll instead of kernel notification           [TAILLIGHT_POLL=1]
  --allow-insecure-dir follow files in directories other users may  [TAILLIGHT_ALLOW_INSECURE_DIR=1]
                       write (refused by default: they could swap the log for a symlink
                       to a secret); better, run as an unprivileged user in the log's group
  --public-url URL     the page's address as users reach it; alerts  [TAILLIGHT_PUBLIC_URL]
                       (config alerts:) then carry the line's permalink
  --max-files N        most files followed at once (default ${DEFAULT_MAX_FILES})   [TAILLIGHT_MAX_FILES]
  --history N          rotated siblings (app.log.1, app.log.2.gz,    [TAILLIGHT_HISTORY]
                       app.log-20261130.gz) scrollback and search go on into, newest
                       first (default all found; 0 stops at the current file)
  --token-file PATH    require the token in this file (first line)   [TAILLIGHT_TOKEN_FILE]
  --token T            the same, given inline: visible to every local [TAILLIGHT_TOKEN]
                       user in ps, so prefer TAILLIGHT_TOKEN or --token-file. Browsers
                       get a sign-in form, and a ?token= link is traded for a cookie at once
  --auth-jwks URL      accept JWT bearer tokens signed by a key of    [TAILLIGHT_AUTH_JWKS]
                       this JWKS (your identity provider's jwks_uri)
  --auth-issuer ISS    required iss claim of those tokens            [TAILLIGHT_AUTH_ISSUER]
  --auth-audience AUD  required aud claim of those tokens            [TAILLIGHT_AUTH_AUDIENCE]
  --oidc-issuer URL    browser sign-in with OpenID Connect: a page    [TAILLIGHT_OIDC_ISSUER]
                       without a session goes to this provider and back; the ID token's
                       groups claim is what per-file access reads
  --oidc-client-id ID  the client registered there                [TAILLIGHT_OIDC_CLIENT_ID]
  --oidc-client-secret S  its secret (prefer the variable: ps)  [TAILLIGHT_OIDC_CLIENT_SECRET]
  --base-path /P       serve everything under /P/ behind a reverse    [TAILLIGHT_BASE_PATH]
                       proxy's sub-path (docs/deploy.md); / redirects to /P/
  --tls-cert FILE      serve HTTPS (HTTP/2 and HTTP/1.1) with this    [TAILLIGHT_TLS_CERT]
                       PEM certificate chain and --tls-key FILE       [TAILLIGHT_TLS_KEY]
  --max-clients N      most SSE clients at once (default 10000)      [TAILLIGHT_MAX_CLIENTS]
  --workers N          processes serving the port, or auto: one per   [TAILLIGHT_WORKERS]
                       core (default 1); --max-clients is their total
  --demo               write and follow a growing sample log         [TAILLIGHT_DEMO=1]
  --redis URL          scale-out (docs/deploy.md): with files, also  [TAILLIGHT_REDIS]
                       publish them to Redis; without, serve the files published there
  --edge               with --redis and --config: serve what watchers [TAILLIGHT_EDGE=1]
                       publish; the config's files: entries only give groups and lines
  --redis-cluster      --redis names Redis Cluster seed nodes           [TAILLIGHT_REDIS_CLUSTER=1]
                       (redis+sentinel://h:p,h:p/name selects Sentinel)
  --redis-maxlen N     batches kept per file in Redis (default 100000) [TAILLIGHT_REDIS_MAXLEN]
  --redis-lease MS     a watcher's lease on each file (default 5000,   [TAILLIGHT_REDIS_LEASE]
                       1000-60000): a standby takes over within about that
  -h, --help           show this help
  -v, --version        show the version
`
