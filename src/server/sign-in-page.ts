/**
 * @module The sign-in page: what a person sees instead of a JSON 401 when a token is required.
 *
 * A plain form, no script: it posts the token to `auth` (relative, so it works under a
 * reverse proxy's sub-path), which sets the session cookie and sends the browser back to the
 * page it asked for. The token never appears in a URL.
 */

const escape = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string
  )

export function signInPage(next: string, error: string): Response {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  const nonce = btoa(String.fromCharCode(...bytes))
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · taillight</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<style nonce="${nonce}">
body{font:15px/1.5 system-ui,sans-serif;display:grid;place-items:center;min-height:90vh;margin:0}
form{display:grid;gap:.6em;min-width:min(22em,90vw)}
input{font:inherit;padding:.4em}
button{font:inherit;padding:.4em}
.error{color:#c33}
</style></head>
<body><form method="post" action="auth" data-testid="sign-in">
<h1>taillight</h1>
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escape(next)}">
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<button type="submit">Sign in</button>
</form></body></html>`
  return new Response(html, {
    status: 401,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'Cache-Control': 'no-store',
      'WWW-Authenticate': 'Bearer realm="taillight"',
    },
  })
}
