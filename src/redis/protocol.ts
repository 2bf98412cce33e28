/**
 * @module The scale-out wire protocol both roles share: key names, entry ids, and stream
 * entries (descriptive names in memory, one letter per field on the wire).
 *
 * One stream per followed file. Entry ids are `<epoch>-<seq>`: the epoch is a millisecond
 * number the watcher picks for each file generation (rotation, truncation, a restart that
 * cannot continue), strictly increasing; seq is `endOffset << 20 | sub`. Current-file entries
 * use sub 0, so the entry ending at byte X of epoch E is exactly `E-(X<<20)` (one XRANGE finds
 * the entry behind any cursor); lines still written to a rotated-away file are numbered after
 * the head with sub 1, 2, ... Ids only grow, so Redis itself refuses a re-sent entry ("equal or
 * smaller"): publishing is idempotent without a de-duplication table. The file id is a hash
 * tag, so all keys of one file live in one Cluster slot (and one Lua script may touch them).
 */
import { parseCursor } from '../core/cursor.js'
import type { LogLine } from '../core/types.js'

export const SUB_BITS = 20n
export const MAX_SUB = 0xfffff
/** Largest seq Redis accepts: XRANGE upper bound for "anything in this epoch". */
export const MAX_SEQ = 18446744073709551615n
/** Offsets must fit in the 44 bits left above the sub-sequence (16 TiB). */
export const MAX_OFFSET = 2 ** 44 - 1

export interface RedisKeys {
  prefix: string
  /** SET of the published file ids (edges discover files here). */
  files: string
  stream(id: string): string
  /** HASH: path, size, state, backend, reason, watcher URL, heartbeat, leader. */
  meta(id: string): string
  /** STRING: the leading watcher's owner token, with a TTL (watcher/lease.ts). */
  lease(id: string): string
  /** STRING: the lease epoch, INCR'd by each election; appends carry it (the fence). */
  epoch(id: string): string
}

export function redisKeys(prefix = 'taillight'): RedisKeys {
  return {
    prefix,
    files: `${prefix}:files`,
    stream: (id) => `${prefix}:{${id}}:log`,
    meta: (id) => `${prefix}:{${id}}:meta`,
    lease: (id) => `${prefix}:{${id}}:lease`,
    epoch: (id) => `${prefix}:{${id}}:epoch`,
  }
}

const fail = (code: string, message: string) => Object.assign(new Error(message), { code })
const ID_RE = /^([1-9][0-9]{0,15})-(0|[1-9][0-9]{0,19})$/

export const formatId = (epoch: number, seq: bigint): string => `${epoch}-${seq}`

export function parseId(id: string): { epoch: number; seq: bigint } {
  const m = ID_RE.exec(id)
  if (!m) throw fail('E_ENTRY_ID', `not a taillight entry id: ${id}`)
  return { epoch: Number(m[1]), seq: BigInt(m[2] as string) }
}

export function seqAt(offset: number, sub = 0): bigint {
  if (offset > MAX_OFFSET) throw fail('E_OFFSET_RANGE', `offset ${offset} too large for an id`)
  return (BigInt(offset) << SUB_BITS) | BigInt(sub)
}

export const offsetOfSeq = (seq: bigint): number => Number(seq >> SUB_BITS)

/** The id of the entry of the current file that ends at `offset` in `epoch`. */
export const idAt = (epoch: number, offset: number): string => formatId(epoch, seqAt(offset))

/** Negative, zero or positive like a comparator. */
export function compareIds(a: string, b: string): number {
  const x = parseId(a)
  const y = parseId(b)
  if (x.epoch !== y.epoch) return x.epoch - y.epoch
  return x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0
}

/** lines | prev (a rotated-away file's lines) | start | rotate | appear | truncate | reset */
export type EntryType = 'lines' | 'prev' | 'start' | 'rotate' | 'appear' | 'truncate' | 'reset'

export interface Entry {
  id: string
  type: EntryType
  /** The cursor after the entry (for prev: into the old file, never resumable). */
  cursor: string
  /** `cursor` of the stream's previous entry ('' for the first): edges detect holes with it. */
  prevCursor: string
  /** The current file's cursor before the entry ('' when a generation starts here). */
  headBefore: string
  /** Byte offset where the lines start. */
  start: number
  /** Where the lines end: from the id for current-file entries, else from `cursor`. */
  end: number
  lines: LogLine[]
  /** Cursor fingerprint at the end of each line ('' when the watcher could not tell). */
  fingerprints: string[]
  /** rotate/truncate/reset reason; `seed` on the context lines a new stream starts with. */
  reason: string
  /** truncate: the offset before and the size after. */
  oldOffset: number
  size: number
  /** Watcher clock when the event was read (ms). */
  watcherTime: number
}

/** Wire line: [offset, text, fingerprint, flag] with flag 1 a piece of a long line, 2 partial. */
type WireLine = [number, string, string, number?]

export function encodeEntry(e: Entry): string[] {
  const f = ['t', e.type, 'c', e.cursor, 'p', e.prevCursor, 'q', e.headBefore]
  f.push('s', String(e.start), 'w', String(e.watcherTime))
  if (e.lines.length > 0) {
    const d = e.lines.map((l, i): WireLine => {
      const w: WireLine = [l.offset, l.text, e.fingerprints[i] ?? '']
      if (l.cont) w.push(1)
      else if (l.partial) w.push(2)
      return w
    })
    f.push('d', JSON.stringify(d))
  }
  if (e.reason) f.push('r', e.reason)
  if (e.type === 'truncate') f.push('o', String(e.oldOffset), 'z', String(e.size))
  return f
}

export function decodeEntry(id: string, fields: readonly string[]): Entry {
  const m = new Map<string, string>()
  for (let i = 0; i + 1 < fields.length; i += 2) m.set(fields[i] as string, fields[i + 1] as string)
  const num = (k: string) => Number(m.get(k) ?? 0)
  const lines: LogLine[] = []
  const fingerprints: string[] = []
  for (const [offset, text, fp, flag] of JSON.parse(m.get('d') || '[]') as WireLine[]) {
    const l: LogLine = { text, offset }
    if (flag === 1) l.cont = true
    else if (flag === 2) l.partial = true
    lines.push(l)
    fingerprints.push(fp)
  }
  const type = (m.get('t') ?? 'lines') as EntryType
  const cursor = m.get('c') ?? ''
  return {
    id,
    type,
    cursor,
    prevCursor: m.get('p') ?? '',
    headBefore: m.get('q') ?? '',
    start: num('s'),
    end: type === 'prev' ? offsetOf(cursor) : offsetOfSeq(parseId(id).seq),
    lines,
    fingerprints,
    reason: m.get('r') ?? '',
    oldOffset: num('o'),
    size: num('z'),
    watcherTime: num('w'),
  }
}

/** Byte offset of a cursor we produced ourselves (0 for ''). */
export const offsetOf = (cursor: string): number => parseCursor(cursor)?.offset ?? 0

/** The current file's cursor once this entry is applied. */
export const headAfter = (e: Entry): string => (e.type === 'prev' ? e.headBefore : e.cursor)

/** Rough memory an entry takes once decoded. */
export function entrySize(e: Pick<Entry, 'lines'>): number {
  let n = 200
  for (const l of e.lines) n += l.text.length * 2 + 64
  return n
}
