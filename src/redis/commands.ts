/**
 * @module The stream commands both roles send, as raw arrays, and the fenced append.
 *
 * sendCommand keeps the replies in the shape Redis documents ([id, [field, value, ...]]), with
 * no client-side transformation to depend on across client versions. Appends go through one
 * Lua script that checks the lease epoch and XADDs in the same atomic step, so a watcher that
 * lost its lease (paused past the TTL, partitioned) cannot write, whatever its clock says.
 */
import type { RedisClient } from './conn.js'
import { decodeEntry, encodeEntry, formatId, MAX_SEQ, type Entry } from './protocol.js'

type RawEntry = [string, string[]]

const decodeAll = (raw: unknown): Entry[] =>
  ((raw as RawEntry[] | null) ?? []).map(([id, f]) => decodeEntry(id, f))

/** The newest `count` entries, newest first. */
export async function readNewest(client: RedisClient, key: string, count: number) {
  return decodeAll(await client.sendCommand(['XREVRANGE', key, '+', '-', 'COUNT', String(count)]))
}

/** The newest entry of a stream, or null when it is empty or missing. */
export async function readTop(client: RedisClient, key: string): Promise<Entry | null> {
  return (await readNewest(client, key, 1))[0] ?? null
}

/** Entries of `epoch` from id `from` (inclusive, or exclusive with a leading '('), oldest first. */
export async function rangeInEpoch(
  client: RedisClient,
  key: string,
  epoch: number,
  from: string,
  count: number
): Promise<Entry[]> {
  const to = formatId(epoch, MAX_SEQ)
  return decodeAll(await client.sendCommand(['XRANGE', key, from, to, 'COUNT', String(count)]))
}

/** Entries of `epoch` before id `to` (exclusive), newest first. */
export async function rangeBackInEpoch(
  client: RedisClient,
  key: string,
  epoch: number,
  to: string,
  count: number
): Promise<Entry[]> {
  const from = formatId(epoch, 0n)
  const r = await client.sendCommand(['XREVRANGE', key, `(${to}`, from, 'COUNT', String(count)])
  return decodeAll(r)
}

/** Blocks until entries after `lastId` arrive ([] after `blockMs`). */
export async function readAfter(
  client: RedisClient,
  key: string,
  lastId: string,
  count: number,
  blockMs: number
): Promise<Entry[]> {
  const args = ['XREAD', 'COUNT', String(count), 'BLOCK', String(blockMs), 'STREAMS', key, lastId]
  // The timeout covers a connection that died without closing (no RST): never block forever.
  const r: unknown = await client.sendCommand(args, { timeout: blockMs + 5000 })
  if (!r) return []
  // node-redis maps the reply by stream name ({key: entries}); RESP2 proper is [[key, entries]].
  const entries = Array.isArray(r)
    ? (r as [string, RawEntry[]][])[0]?.[1]
    : (r as Record<string, RawEntry[]>)[key]
  return decodeAll(entries ?? null)
}

/** KEYS: stream, epoch. ARGV: epoch, maxLen, id, fields... */
const APPEND = `local e = redis.call('GET', KEYS[2])
if e ~= ARGV[1] then return redis.error_reply('FENCED lease epoch is ' .. tostring(e) .. ', not ' .. ARGV[1]) end
return redis.pcall('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], ARGV[3], unpack(ARGV, 4))`

export interface Fence {
  /** The epoch key and the epoch this watcher was elected with. */
  key: string
  epoch: number
}

const isDuplicate = (err: unknown) => /equal or smaller/i.test((err as Error)?.message ?? '')
export const isFenced = (err: unknown) => /^FENCED/.test((err as Error)?.message ?? '')

/**
 * Appends entries in order, pipelined (node-redis writes the commands of one tick together).
 * Stops at the first failure and says how many went in. An id Redis rejects as "equal or
 * smaller" counts as published if the stream holds it (an earlier attempt whose reply was
 * lost); otherwise it can never be added and is counted in `skipped` (edges see the gap).
 */
export async function appendAll(
  client: RedisClient,
  key: string,
  maxLen: number,
  fence: Fence,
  entries: readonly Entry[]
): Promise<{ sent: number; skipped: number; error: string | null; fenced: boolean }> {
  const head = ['EVAL', APPEND, '2', key, fence.key, String(fence.epoch), String(maxLen)]
  const replies = await Promise.allSettled(
    entries.map((e) => client.sendCommand([...head, e.id, ...encodeEntry(e)]))
  )
  let sent = 0
  let skipped = 0
  for (const [i, r] of replies.entries()) {
    if (r.status === 'rejected') {
      const fenced = isFenced(r.reason)
      if (!isDuplicate(r.reason)) return { sent, skipped, error: errorText(r.reason), fenced }
      const id = (entries[i] as Entry).id
      try {
        const held = (await client.sendCommand(['XRANGE', key, id, id])) as RawEntry[]
        if (held.length === 0) skipped++
      } catch (err) {
        return { sent, skipped, error: errorText(err), fenced: false }
      }
    }
    sent++
  }
  return { sent, skipped, error: null, fenced: false }
}

export function errorText(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string }
  return `${e?.code ?? e?.name ?? 'E_REDIS'}: ${e?.message ?? String(err)}`
}
