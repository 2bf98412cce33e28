/**
 * @module Per-file metadata the watcher keeps in Redis, for /api/files and /health on edges.
 *
 * Rewritten by the leading watcher on every heartbeat together with the file's membership in the files SET, so a
 * Redis that restarted empty is repopulated within one heartbeat, and an edge can tell a
 * watcher that stopped (heartbeat older than a few intervals) from a quiet file.
 */
import type { LogSource } from '../core/log-source.js'
import type { BackendName, FollowerState } from '../core/types.js'
import type { RedisClient } from './conn.js'
import type { RedisKeys } from './protocol.js'

export interface FileMeta {
  id: string
  path: string
  size: number
  state: FollowerState
  backend: BackendName
  reason: string
  /** The watcher's own HTTP base URL, when it published one (history beyond retention). */
  watcher: string
  /** Watcher clock at the last heartbeat (ms). */
  hb: number
  heartbeatMs: number
  maxLen: number
  /** Lease epoch of the watcher writing this, and since when it leads (ms, its clock). */
  epoch: number
  since: number
}

export async function writeMeta(
  client: RedisClient,
  keys: RedisKeys,
  source: LogSource,
  extra: {
    watcher: string
    heartbeatMs: number
    maxLen: number
    now: number
    epoch: number
    since: number | null
  }
): Promise<void> {
  const info = source.info()
  const fields: Record<string, string> = {
    id: source.id,
    path: source.path,
    size: String(info.size),
    state: info.state,
    backend: info.backend.backend,
    reason: info.backend.reason ?? '',
    watcher: extra.watcher,
    hb: String(extra.now),
    heartbeatMs: String(extra.heartbeatMs),
    maxLen: String(extra.maxLen),
    epoch: String(extra.epoch),
    since: String(extra.since ?? 0),
  }
  // Metadata first: an edge that finds the id in the SET finds its metadata too.
  await client.sendCommand(['HSET', keys.meta(source.id), ...Object.entries(fields).flat()])
  await client.sendCommand(['SADD', keys.files, source.id])
}

export async function readMeta(
  client: RedisClient,
  keys: RedisKeys,
  id: string
): Promise<FileMeta | null> {
  const raw: unknown = await client.sendCommand(['HGETALL', keys.meta(id)])
  // node-redis maps the reply to an object; a flat [field, value, ...] array is RESP2 proper.
  const m = new Map<string, string>()
  if (Array.isArray(raw)) {
    for (let i = 0; i + 1 < raw.length; i += 2) m.set(String(raw[i]), String(raw[i + 1]))
  } else if (raw && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw)) m.set(k, String(v))
  }
  if (m.size === 0) return null
  const num = (k: string) => Number(m.get(k) ?? 0) || 0
  return {
    id,
    path: m.get('path') ?? id,
    size: num('size'),
    state: (m.get('state') ?? 'starting') as FollowerState,
    backend: (m.get('backend') ?? 'poll') as BackendName,
    reason: m.get('reason') ?? '',
    watcher: m.get('watcher') ?? '',
    hb: num('hb'),
    heartbeatMs: num('heartbeatMs') || 2000,
    maxLen: num('maxLen'),
    epoch: num('epoch'),
    since: num('since'),
  }
}

export async function listFiles(client: RedisClient, keys: RedisKeys): Promise<string[]> {
  const ids = (await client.sendCommand(['SMEMBERS', keys.files])) as string[]
  return [...ids].sort()
}

/** The watcher stops publishing a file: edges drop it at their next poll (the stream stays). */
export async function unpublish(client: RedisClient, keys: RedisKeys, id: string): Promise<void> {
  await client.sendCommand(['SREM', keys.files, id])
  await client.sendCommand(['DEL', keys.meta(id)])
}
