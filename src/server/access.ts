/**
 * @module Per-file access: which followed files a request may see.
 *
 * A file with `groups` is visible to a request whose JWT identity has one of them; a file
 * without is visible to every authenticated request. A request with no identity (the static
 * token, or no auth at all) sees every file: whoever holds the one shared token is the
 * operator. An invisible file answers exactly like an id that does not exist (404
 * `unknown_file`), so its existence does not leak.
 *
 * The viewer is bound to the request's query map because that is the request-scoped object
 * every route already hands to pickFile; the routes need not know access exists.
 */
import type { MiddlewareHandler } from 'hono'
import { identityOf } from './auth.js'
import type { AppEnv, FileEntry } from './context.js'
import type { Identity } from './jwt-auth.js'

const viewers = new WeakMap<object, Identity>()

/** Binds the identity requireAuth verified (if any) to the request, for viewerOf. */
export function bindViewer(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const who = identityOf(c.req.raw)
    if (who) viewers.set(c.get('query'), who)
    await next()
  }
}

/** The identity behind a request's query map; undefined means full access. */
export function viewerOf(q: Map<string, string>): Identity | undefined {
  return viewers.get(q)
}

export function canSee(file: FileEntry, viewer: Identity | undefined): boolean {
  if (!viewer || file.groups === undefined) return true
  return file.groups.some((g) => viewer.groups.includes(g))
}

/** The files a request may see, in the served order. */
export function visibleFiles(
  files: ReadonlyMap<string, FileEntry>,
  q: Map<string, string>
): FileEntry[] {
  const viewer = viewerOf(q)
  return [...files.values()].filter((f) => canSee(f, viewer))
}
