/**
 * @module What the two directions of /api/lines share: the page size, the byte cap of a
 * response, and the shape of a paged read (pages of lines in file order, then the scalars).
 */
import type { LinesJson } from '../core/protocol.js'
import type { LogLine } from '../core/types.js'

/** Byte cap of one response: the lines of at most this many bytes of the file. */
export const LINES_MAX_BYTES = 4 * 1024 * 1024
/** Bytes of the file read per page, that is per pull of the body. */
export const PAGE_BYTES = 256 * 1024

export type LinesSummary = Omit<LinesJson, 'file' | 'lines'>

export type { Read } from './read-pool.js'

export interface LinePages {
  /** The next page of lines in file order; null after the last. */
  next(): Promise<LogLine[] | null>
  /** first, last, more, atStart: known once next() has returned null. */
  summary(): LinesSummary
}
