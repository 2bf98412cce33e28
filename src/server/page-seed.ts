/**
 * @module The first screen of lines, in the page itself. Without it the browser asks for the
 * page, then its scripts, then the stream, and only the stream's init has lines: a round trip
 * the first rows do not need, since the server already knows the file the page will ask for.
 * So the page carries the file's last lines and the cursor they end at (the init's content),
 * the boot script shows them before the viewer's bundle has arrived, and the stream resumes
 * from that cursor: nothing missed, nothing twice.
 *
 * Only what the page's own request may read: the same file choice and access check as
 * /events (the page is behind the same sign-in). Bounded like an init (lines and bytes), and
 * in time: a read slower than SEED_MS (a busy or remote disk) is not waited for, and the page
 * goes without, as before; so does a page asked for while that read is still going. Nothing
 * here fails the page: a bad `?lines=`, an unknown file or a file the viewer may not see leave
 * the seed out, and the stream reports them as it did.
 */
import type { LogSource } from '../core/log-source.js'
import type { PageSeed } from '../core/protocol.js'
import { fileInfo } from './api-routes.js'
import type { AppContext } from './context.js'
import { pickFile } from './context.js'
import { intParam } from './query.js'
import { texts } from './sse-frame.js'

/** Lines of a seed when the address does not ask: a tall first screen, read back in one go. */
export const SEED_LINES = 200
/** The seed's bytes at most (line text, before JSON escaping): a fraction of an init. */
export const SEED_BYTES = 64 * 1024
export const SEED_MS = 250

const reading = new WeakSet<LogSource>()

export async function pageSeed(
  ctx: AppContext,
  q: Map<string, string>,
  ms = SEED_MS
): Promise<PageSeed | undefined> {
  // The merged view starts from a merge point of every file: its init is the stream's.
  if (q.get('file') === '*') return undefined
  let n: number
  let entry
  try {
    entry = pickFile(ctx, q)
    const configured = entry.lines ?? ctx.defaultLines
    n = intParam(q, 'lines', 0, ctx.maxLines, Math.max(SEED_LINES, configured))
  } catch {
    return undefined
  }
  const { source } = entry
  // One read per file at a time: a read the page stopped waiting for (a hung disk, Redis
  // down) still holds its handle, and page loads must not pile more up behind it.
  if (n === 0 || reading.has(source) || source.info().state === 'error') return undefined
  const at = source.position()
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), ms))
  )
  const read = source.tail(n, at, SEED_BYTES).catch(() => undefined)
  reading.add(source)
  void read.finally(() => reading.delete(source))
  try {
    const r = await Promise.race([read, late])
    if (!r || 'stale' in r) return undefined
    const lines = texts(r.lines)
    const more = lines.length < n && r.more
    const info = fileInfo(source)
    return {
      file: source.id,
      lines,
      first: r.first,
      cursor: at.cursor,
      ...(more && { more }),
      info,
    }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * The seed as the text of a `<script type="application/json">`: never run (CSP allows no
 * inline script anyway), read with JSON.parse. `<` is escaped so no line can close the element
 * or open a comment, and U+2028/2029 too, so the text stays valid wherever it is pasted.
 */
export function seedScript(seed: PageSeed): string {
  const json = JSON.stringify(seed).replace(/[<\u2028\u2029]/g, (ch) => {
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  return `<script type="application/json" id="taillight-seed">${json}</script>`
}
