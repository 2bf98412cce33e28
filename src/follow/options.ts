/**
 * @module Follower options and their defaults.
 */
import { readSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type { NativeBinding } from './native-types.js'

export interface FollowerOptions {
  /** Force the stat-polling backend even where native notification works. */
  poll?: boolean
  /** The native binding to use; undefined loads the built addon, null means none. */
  native?: NativeBinding | null
  /** Where to start in an existing file: 'end' (new lines only, the default) or 'start'. */
  start?: 'end' | 'start'
  /** Longest line piece, in bytes; longer lines are cut into pieces marked `cont`. */
  maxLineBytes?: number
  /** Most bytes read per batch (one 'lines' event at most per batch). */
  maxBatchBytes?: number
  /** Batches whose listener promises have not settled before reading stops. */
  maxInFlight?: number
  /** How long a rotated-away file is still read after it was last written. */
  rotateGraceMs?: number
  /** Upper bound on that, however long the old file keeps being written. */
  rotateGraceMaxMs?: number
  /** Re-check interval when native notification is on (catches what the kernel does not tell). */
  safetyTickMs?: number
  /** Polling interval range: fast while data flows, doubling up to the maximum when idle. */
  pollMinMs?: number
  pollMaxMs?: number
  /** Strip a '\r' right before '\n' (default true). */
  stripCR?: boolean
  /** After a truncation, skip the NUL bytes a non-O_APPEND writer leaves (default true). */
  skipLeadingNul?: boolean
  /** Follow a file whose directory other users may write (dir-safety.ts); default false. */
  allowInsecureDir?: boolean
  /** File I/O (default node:fs); tests pass functions that inject faults. */
  io?: FollowerIo
}

export interface FollowerIo {
  open(path: string, flags: number): Promise<FileHandle>
  /** The synchronous pread used on the native fast path (see Generation.syncReads). */
  readSync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number
}

export type ResolvedOptions = Required<Omit<FollowerOptions, 'native'>> & {
  native: NativeBinding | null | undefined
}

export function resolveOptions(o: FollowerOptions): ResolvedOptions {
  const pos = (v: number | undefined, d: number, name: string): number => {
    if (v === undefined) return d
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number`)
    return v
  }
  return {
    poll: o.poll ?? false,
    native: o.native,
    start: o.start ?? 'end',
    maxLineBytes: pos(o.maxLineBytes, 64 * 1024, 'maxLineBytes'),
    maxBatchBytes: pos(o.maxBatchBytes, 256 * 1024, 'maxBatchBytes'),
    maxInFlight: pos(o.maxInFlight, 4, 'maxInFlight'),
    rotateGraceMs: pos(o.rotateGraceMs, 5000, 'rotateGraceMs'),
    rotateGraceMaxMs: pos(o.rotateGraceMaxMs, 60_000, 'rotateGraceMaxMs'),
    safetyTickMs: pos(o.safetyTickMs, 1000, 'safetyTickMs'),
    pollMinMs: pos(o.pollMinMs, 20, 'pollMinMs'),
    pollMaxMs: pos(o.pollMaxMs, 250, 'pollMaxMs'),
    stripCR: o.stripCR ?? true,
    skipLeadingNul: o.skipLeadingNul ?? true,
    allowInsecureDir: o.allowInsecureDir ?? false,
    io: o.io ?? { open, readSync },
  }
}
