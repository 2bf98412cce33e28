/**
 * A real nginx (Debian's `nginx` package) on a loopback port, as the reverse proxy of the
 * base-path tests: its configuration, pid and temp files live in a temp dir. Without nginx the
 * tests fail in CI (naming the package) and are skipped loudly elsewhere.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CANDIDATES = [process.env.NGINX_PATH, '/usr/sbin/nginx', '/usr/bin/nginx']
export const nginxPath = CANDIDATES.find((p): p is string => !!p && existsSync(p))

export function requireNginx(suite: string): boolean {
  if (nginxPath) return true
  const msg = `${suite}: nginx not found (looked for ${CANDIDATES.filter(Boolean).join(', ')}); install the Debian package \`nginx\` (apt-get install -y nginx) or set NGINX_PATH`
  if (process.env.CI) throw new Error(msg)
  console.warn(`\n${'!'.repeat(100)}\n!! SKIPPING NGINX TESTS: ${msg}\n${'!'.repeat(100)}\n`)
  return false
}

async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

export interface Nginx {
  url: string
  close(): Promise<void>
}

/** Proxies `prefix/` on its port to `upstream` (origin), SSE unbuffered, like docs/deploy.md. */
export async function startNginx(upstream: string, prefix: string): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), 'taillight-nginx-'))
  const port = await freePort()
  const conf = join(dir, 'nginx.conf')
  writeFileSync(
    conf,
    `${process.getuid?.() === 0 ? 'user root;\n' : ''}daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 128; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location ${prefix}/ {
      proxy_pass ${upstream.replace(/\/$/, '')};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
    }
  }
}
`
  )
  const proc: ChildProcess = spawn(nginxPath as string, ['-p', dir, '-c', conf], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((r) => proc.once('exit', () => r()))
  const url = `http://127.0.0.1:${port}`
  // Up when it answers; bounded to 5 s.
  const until = Date.now() + 5_000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}: ${out}`)
    const ok = await fetch(`${url}/`).then(
      () => true,
      () => false
    )
    if (ok) break
    if (Date.now() > until) throw new Error(`nginx did not answer on ${url}: ${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url,
    async close() {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
