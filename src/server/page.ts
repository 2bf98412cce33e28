/**
 * @module The fallback page, served at / when no built viewer (web/dist) is present.
 *
 * Lines are added with textContent only: a log line is text, never HTML.
 */

const SCRIPT = `
const params = new URLSearchParams(location.search)
const qs = new URLSearchParams()
for (const k of ['token', 'file', 'lines']) if (params.has(k)) qs.set(k, params.get(k))
const out = document.getElementById('log')
const status = document.getElementById('status')
const MAX = 5000
const add = (text, cls) => {
  const div = document.createElement('div')
  div.textContent = text
  if (cls) div.className = cls
  const stick = innerHeight + scrollY >= document.body.scrollHeight - 4
  out.appendChild(div)
  while (out.childElementCount > MAX) out.firstElementChild.remove()
  if (stick) scrollTo(0, document.body.scrollHeight)
}
const es = new EventSource('events?' + qs)
const lines = (e) => JSON.parse(e.data).lines.forEach((l) => add(l))
es.addEventListener('init', (e) => { out.textContent = ''; status.textContent = JSON.parse(e.data).file; lines(e) })
es.addEventListener('update', lines)
es.addEventListener('reset', () => add('--- history reset ---', 'mark'))
es.addEventListener('rotate', (e) => add('--- rotated (' + JSON.parse(e.data).reason + ') ---', 'mark'))
es.addEventListener('truncate', () => add('--- truncated ---', 'mark'))
es.addEventListener('dropped', () => add('--- reconnecting (client too slow) ---', 'mark'))
es.onopen = () => status.classList.remove('off')
es.onerror = () => status.classList.add('off')
`

export function fallbackPage(): Response {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const nonce = btoa(String.fromCharCode(...bytes))
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>taillight</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{margin:0;background:#111;color:#ddd;font:13px/1.4 ui-monospace,monospace}
header{position:sticky;top:0;background:#222;padding:4px 8px}
#status.off::after{content:' (disconnected)';color:#e66}
#log{padding:4px 8px;white-space:pre-wrap;word-break:break-all}
.mark{color:#888}
</style></head>
<body><header>taillight <span id="status"></span></header><main id="log"></main>
<script nonce="${nonce}">${SCRIPT}</script></body></html>`
  return new Response(html, {
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'Cache-Control': 'no-store',
    },
  })
}
