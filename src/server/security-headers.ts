/**
 * @module Security headers on every response (hono/secure-headers with our policy).
 *
 * The page loads only its own script, style and the API of its own origin, so its CSP can be
 * strict: no inline script or style markup (the viewer sets styles through the CSSOM, which CSP
 * allows), no plugins, and `frame-ancestors 'none'` so no other site can frame it and trick a
 * click. HSTS is left to whoever terminates TLS: set on a plain-HTTP localhost it would only
 * confuse other services on that name.
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import type { AppEnv } from './context.js'

export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    strictTransportSecurity: false,
    crossOriginResourcePolicy: 'same-origin',
    crossOriginOpenerPolicy: 'same-origin',
    // A response that chose its own policy keeps it (the fallback page's script nonce).
    overwrite: false,
  })
}
