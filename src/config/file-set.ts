/**
 * @module What a list of file entries names right now: plain paths, patterns and directories,
 * expanded to the regular files they match.
 *
 * A pattern (`*`, `?`, `[...]`, matched one path segment at a time with picomatch) and a
 * directory (every regular file in it, not recursive) both skip rotated siblings such as
 * `app.log.1`, `app.log.2.gz` or `app.log-20261130`: the follower already drains a rotated
 * file, and following it again would show its lines twice. A plain path is always named, even
 * while missing, because the follower waits for it. Each scan reads at most MAX_DIR_ENTRIES
 * names per directory, so one huge directory costs a bounded amount per second.
 */
import { opendir, stat } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { loadPicomatch } from './lazy-deps.js'
import type { FileSpec } from './schema.js'

export const MAX_DIR_ENTRIES = 10_000
const MAGIC = /[*?[]/
const PM = { dot: false, nobrace: true, noextglob: true, noglobstar: true, strictBrackets: true }

/** A file named by an entry; `pattern` when it came from a pattern or a directory. */
export interface Named {
  path: string
  spec: FileSpec
  pattern: boolean
}

export const isPattern = (p: string): boolean => MAGIC.test(p)

/** Why a pattern is malformed, or undefined when it is fine (or not a pattern). */
export function patternProblem(p: string): string | undefined {
  if (!isPattern(p)) return undefined
  if (p.includes('**')) return `'**' is not supported: patterns match one directory level each`
  for (const seg of p.split(sep)) {
    if (!MAGIC.test(seg)) continue
    try {
      loadPicomatch().makeRe(seg, PM)
    } catch {
      return `is not a well-formed pattern: '${seg}' has an unclosed '['`
    }
  }
  return undefined
}

/** `app.log.1`, `app.log.3.gz`, `app.log-20261130`, `x.old`: what rotation leaves behind. */
export function isRotated(name: string): boolean {
  const base = name.replace(/\.(gz|zst|bz2|xz|lz4|zip|z)$/i, '')
  if (base !== name) return true
  return (
    /\.(old|bak|orig|swp|tmp)$/i.test(base) ||
    /\.\d+$/.test(base) ||
    /[-_.]\d{8}(\d{2}|\d{6})?$/.test(base) ||
    /[-_.]\d{4}-\d{2}-\d{2}$/.test(base)
  )
}

/**
 * Names in a directory that `keep` accepts, as paths in name order, not yet checked to be
 * regular files: expand stats only as many as it may follow.
 */
async function namesIn(dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const names: string[] = []
  try {
    const d = await opendir(dir, { bufferSize: 256 })
    let seen = 0
    for await (const e of d) {
      if (++seen > MAX_DIR_ENTRIES) break
      if (keep(e.name)) names.push(e.name)
    }
  } catch {
    return [] // gone or unreadable now: the next scan tries again
  }
  return names.sort().map((n) => join(dir, n))
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false
}

async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false
}

/** The directories and then files a pattern names, segment by segment. */
async function matchPattern(pattern: string): Promise<string[]> {
  const abs = isAbsolute(pattern) ? pattern : resolve(pattern)
  const segs = abs.split(sep).filter(Boolean)
  let dirs: string[] = [sep]
  for (const [i, seg] of segs.entries()) {
    const last = i === segs.length - 1
    if (!MAGIC.test(seg)) {
      dirs = dirs.map((d) => join(d, seg))
      if (last) return dirs
      continue
    }
    const match = loadPicomatch()(seg, PM)
    const next: string[] = []
    for (const d of dirs) {
      if (last) next.push(...(await namesIn(d, (n) => match(n) && !isRotated(n))))
      else for (const sub of await dirsIn(d, match)) next.push(sub)
    }
    dirs = next
  }
  return dirs
}

async function dirsIn(dir: string, match: (n: string) => boolean): Promise<string[]> {
  const out: string[] = []
  try {
    let seen = 0
    for await (const e of await opendir(dir, { bufferSize: 256 })) {
      if (++seen > MAX_DIR_ENTRIES) break
      if (match(e.name) && (await isDir(join(dir, e.name)))) out.push(join(dir, e.name))
    }
  } catch {
    return []
  }
  return out.sort()
}

/**
 * Every file the entries name now, each path once (the first entry naming it wins), at most
 * `limit` of them besides those in `keep` (resolved paths already followed, which must not lose
 * their place to newcomers); `more` says whether more matched.
 */
export async function expand(
  specs: readonly FileSpec[],
  limit: number,
  keep: ReadonlySet<string> = new Set()
): Promise<{ named: Named[]; more: boolean }> {
  const named: Named[] = []
  const seen = new Set<string>()
  let more = false
  let counted = 0
  for (const spec of specs) {
    let paths: string[]
    let pattern = true
    if (isPattern(spec.path)) paths = await matchPattern(spec.path)
    else if (await isDir(spec.path)) paths = await namesIn(resolve(spec.path), (n) => !isRotated(n))
    else {
      paths = [spec.path]
      pattern = false
    }
    // Stats at most limit + 1 candidates besides the kept ones: a scan of a huge directory
    // costs its names, not a stat of each.
    for (const path of paths) {
      const key = resolve(path)
      if (seen.has(key)) continue
      const kept = keep.has(key)
      if (!kept && more) continue
      if (pattern && !(await isFile(path))) continue
      if (!kept && counted >= limit) {
        more = true
        continue
      }
      if (!kept) counted++
      seen.add(key)
      named.push({ path, spec, pattern })
    }
  }
  return { named, more }
}

/**
 * The entry that names `path` without looking at the disk (a Redis edge serves paths of another
 * machine): the same path, a pattern matching it, or its directory; the first entry wins.
 */
export function specFor(path: string, specs: readonly FileSpec[]): FileSpec | undefined {
  const abs = resolve(path)
  return specs.find((s) => {
    const p = resolve(s.path)
    if (isPattern(s.path)) return loadPicomatch()(p, PM)(abs) && !isRotated(basename(abs))
    if (p === abs) return true
    return dirname(abs) === p && !isRotated(basename(abs))
  })
}
