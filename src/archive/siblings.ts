/**
 * @module The rotated siblings of a followed path, found the ways logrotate names them:
 * `app.log.1`, `app.log.2.gz` (numbered, higher is older) and `app.log-20261130[.gz]` (dateext,
 * earlier is older). One readdir and one stat per sibling, so discovery costs the same whatever
 * the files hold.
 *
 * `.zst` siblings are left out: node:zlib of Node 20 has no zstd, the npm decoders are one-shot
 * (zstddec, wasm) or an early pure-JS 0.1 (fzstd), and random access would need checkpoints
 * holding zstd's window (megabytes each, where gzip's is 32 KiB).
 */
import { readdir, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { hashBytes } from '../core/hash.js'

export interface Sibling {
  name: string
  path: string
  gz: boolean
  /** Identity hashed: device and inode, and for gzip also size and mtime (see identityOf). */
  id: string
  size: number
}

type Rank = { kind: 'num'; n: number } | { kind: 'date'; key: string }

/** How a directory entry is related to `base`, or null when it is not a sibling we read. */
export function siblingRank(base: string, name: string): Rank | null {
  if (!name.startsWith(base) || name.length === base.length) return null
  const rest = name.slice(base.length).replace(/\.gz$/, '')
  const num = /^\.([1-9][0-9]{0,5})$/.exec(rest)
  if (num) return { kind: 'num', n: Number(num[1]) }
  if (/^-[0-9][0-9_-]{5,30}$/.test(rest) && /[0-9]$/.test(rest))
    return { kind: 'date', key: rest.slice(1) }
  return null
}

/**
 * A rename keeps it, a replacement does not. A plain sibling may still grow (the writer has not
 * reopened its log yet), so only its device and inode count, and a cursor's fingerprint checks
 * the bytes; a gzip sibling's index is only good for the exact file, so its size and mtime count.
 */
export function identityOf(
  s: { dev: number; ino: number; size: number; mtimeMs: number },
  gz: boolean
): string {
  const exact = gz ? `:${s.size}:${s.mtimeMs}` : ''
  return hashBytes(new TextEncoder().encode(`${s.dev}:${s.ino}${exact}`))
}

interface Found extends Sibling {
  rank: Rank
  mtimeMs: number
}

/** Newest first: by the name's own order within a naming kind, by mtime across kinds. */
function newerFirst(a: Found, b: Found): number {
  if (a.rank.kind === 'num' && b.rank.kind === 'num') return a.rank.n - b.rank.n
  if (a.rank.kind === 'date' && b.rank.kind === 'date')
    return a.rank.key < b.rank.key ? 1 : a.rank.key > b.rank.key ? -1 : 0
  return b.mtimeMs - a.mtimeMs
}

/** The siblings of `path`, newest first, at most `limit`; [] when the directory is unreadable. */
export async function findSiblings(path: string, limit: number): Promise<Sibling[]> {
  if (limit <= 0) return []
  const dir = dirname(path)
  const base = basename(path)
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return []
  }
  const found: Found[] = []
  const plain = new Set(names)
  for (const name of names) {
    const rank = siblingRank(base, name)
    if (!rank) continue
    const gz = name.endsWith('.gz')
    // Half way through logrotate's compress both exist: the plain one is complete.
    if (gz && plain.has(name.slice(0, -3))) continue
    try {
      const st = await stat(join(dir, name))
      if (!st.isFile()) continue
      const id = identityOf(st, gz)
      found.push({ name, path: join(dir, name), gz, id, size: st.size, rank, mtimeMs: st.mtimeMs })
    } catch {
      // Gone between readdir and stat: rotated away, the next discovery sees where it went.
    }
  }
  found.sort(newerFirst)
  return found.slice(0, limit).map(({ name, path, gz, id, size }) => ({ name, path, gz, id, size }))
}
