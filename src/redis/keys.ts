/**
 * @module Redis key names and stream entry ids of the scale-out mode.
 *
 * One stream per followed file. Entry ids are `<epoch>-<seq>`:
 * - epoch: a millisecond number chosen by the watcher for each file generation (new on rotation,
 *   truncation, or a restart that cannot continue the previous one), strictly increasing;
 * - seq: `endOffset << 20 | sub`. Entries of the current file use sub 0, so the entry that ends
 *   at byte X of epoch E is exactly `E-(X<<20)` and any edge finds the entry behind a cursor
 *   with one XRANGE, whatever its age. Lines a writer still appends to a rotated-away file
 *   (`previous`) are numbered after the current file's head: sub 1, 2, ... The ids stay strictly
 *   increasing, so an XADD retry of the same entry is rejected by Redis ("equal or smaller"),
 *   which makes publishing idempotent without a de-duplication table.
 *
 * The file id sits in a hash tag, so both keys of one file live in one Redis Cluster slot.
 */

export const SUB_BITS = 20n
export const MAX_SUB = 0xfffff
/** Largest seq Redis accepts: XRANGE upper bound for "anything in this epoch". */
export const MAX_SEQ = 18446744073709551615n
/** Offsets must fit in the 44 bits left above the sub-sequence (16 TiB). */
export const MAX_OFFSET = 2 ** 44 - 1

export interface RedisKeys {
  prefix: string
  /** SET of the file ids a watcher publishes (edges discover files here). */
  files: string
  stream(id: string): string
  /** HASH: path, size, state, backend, reason, watcher URL, heartbeat time. */
  meta(id: string): string
}

export function redisKeys(prefix = 'taillight'): RedisKeys {
  return {
    prefix,
    files: `${prefix}:files`,
    stream: (id) => `${prefix}:{${id}}:log`,
    meta: (id) => `${prefix}:{${id}}:meta`,
  }
}

export interface EntryId {
  epoch: number
  seq: bigint
}

const ID_RE = /^([1-9][0-9]{0,15})-(0|[1-9][0-9]{0,19})$/

export function formatId(epoch: number, seq: bigint): string {
  return `${epoch}-${seq}`
}

export function parseId(id: string): EntryId {
  const m = ID_RE.exec(id)
  if (!m) throw Object.assign(new Error(`not a taillight entry id: ${id}`), { code: 'E_ENTRY_ID' })
  return { epoch: Number(m[1]), seq: BigInt(m[2] as string) }
}

export function seqAt(offset: number, sub = 0): bigint {
  if (offset > MAX_OFFSET) {
    throw Object.assign(new Error(`offset ${offset} too large for a stream id`), {
      code: 'E_OFFSET_RANGE',
    })
  }
  return (BigInt(offset) << SUB_BITS) | BigInt(sub)
}

export function offsetOfSeq(seq: bigint): number {
  return Number(seq >> SUB_BITS)
}

/** The id of the entry of the current file that ends at `offset` in `epoch`. */
export function idAt(epoch: number, offset: number): string {
  return formatId(epoch, seqAt(offset))
}

/** Negative, zero or positive like a comparator. */
export function compareIds(a: string, b: string): number {
  const x = parseId(a)
  const y = parseId(b)
  if (x.epoch !== y.epoch) return x.epoch - y.epoch
  return x.seq < y.seq ? -1 : x.seq > y.seq ? 1 : 0
}
