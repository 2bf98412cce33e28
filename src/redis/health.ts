/**
 * @module The Redis part of /health (JSON) and /metrics (Prometheus text) for both roles.
 */
import type { ConnState, RedisConn } from './conn.js'
import { redactUrl } from './conn-url.js'

export { redactUrl }

export interface RedisHealth {
  role: 'watcher' | 'edge'
  /** The Redis URL without its password. */
  redis: string
  state: ConnState
  lastError: string | null
  reconnects: number
  files: Record<string, unknown>[]
}

/** The connection part of a role's health; `otherError` when the connection itself is fine. */
export function connHealth(
  role: RedisHealth['role'],
  url: string,
  conn: RedisConn,
  otherError: string | null
): Omit<RedisHealth, 'files'> {
  const { state, reconnects } = conn
  return { role, redis: redactUrl(url), state, lastError: conn.lastError ?? otherError, reconnects }
}

/** Prometheus lines to append to /metrics. */
export function renderRedisMetrics(h: RedisHealth): string {
  const out: string[] = []
  const metric = (name: string, type: string, help: string, rows: [string, unknown][]) => {
    out.push(`# HELP taillight_redis_${name} ${help}`, `# TYPE taillight_redis_${name} ${type}`)
    for (const [labels, v] of rows) out.push(`taillight_redis_${name}${labels} ${Number(v) || 0}`)
  }
  const role = `role="${h.role}"`
  const perFile = (k: string, scale = 1): [string, unknown][] =>
    h.files.map((f) => [`{${role},file="${label(String(f.id))}"}`, Number(f[k] ?? 0) * scale])
  metric('up', 'gauge', 'Redis connection ready (1) or not (0).', [
    [`{${role}}`, h.state === 'ready' ? 1 : 0],
  ])
  metric('reconnects_total', 'counter', 'Redis connections re-established.', [
    [`{${role}}`, h.reconnects],
  ])
  if (h.role === 'watcher') {
    metric('leader', 'gauge', 'This watcher holds the lease of the file (1) or stands by (0).', [
      ...perFile('leader'),
    ])
    metric('lease_epoch', 'gauge', 'Lease epoch this watcher was last elected with.', [
      ...perFile('epoch'),
    ])
    const since = h.files.map((f): [string, unknown] => [
      `{${role},file="${label(String(f.id))}"}`,
      f.since ? Date.parse(String(f.since)) / 1000 : 0,
    ])
    metric(
      'leader_since_seconds',
      'gauge',
      'Unix time this watcher became leader (0: standby).',
      since
    )
    metric(
      'fenced_total',
      'counter',
      'Appends refused: another watcher was elected.',
      perFile('fenced')
    )
    metric('published_total', 'counter', 'Stream entries published.', perFile('published'))
    metric('held_entries', 'gauge', 'Entries waiting for Redis.', perFile('held'))
    metric('held_bytes', 'gauge', 'Bytes waiting for Redis.', perFile('heldBytes'))
    metric(
      'rebases_total',
      'counter',
      'Held entries dropped, re-read from the file.',
      perFile('rebases')
    )
    metric(
      'resets_total',
      'counter',
      'New epochs: the stream could not continue.',
      perFile('resets')
    )
  } else {
    metric('entries_total', 'counter', 'Stream entries applied.', perFile('entries'))
    metric('gaps_total', 'counter', 'Holes found in the stream (clients told).', perFile('gaps'))
    metric(
      'leader_epoch',
      'gauge',
      'Lease epoch of the watcher leading the file.',
      perFile('leaderEpoch')
    )
    metric(
      'replayed_total',
      'counter',
      'Re-published entries skipped or cut (no duplicate).',
      perFile('replayed')
    )
    metric('ring_entries', 'gauge', 'Entries in the edge ring.', perFile('ringEntries'))
    metric(
      'watcher_heartbeat_age_seconds',
      'gauge',
      'Age of the watcher metadata heartbeat.',
      perFile('heartbeatAgeMs', 1 / 1000)
    )
  }
  return out.join('\n') + '\n'
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
