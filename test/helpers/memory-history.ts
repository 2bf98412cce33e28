/**
 * An in-memory ByteRangeReader and the oracle of history search: split on '\n', strip a '\r'
 * before it, test each line alone (what grep does), newest first.
 */
import { RE2JS } from 're2js'
import type { ByteRangeReader } from '../../src/core/byte-range.js'
import { BackwardChunks, type ChunkOptions } from '../../src/history/backward-chunks.js'
import { RegionHits } from '../../src/history/region-hits.js'
import type { SearchPlan } from '../../src/history/search-plan.js'

export function memoryReader(data: Uint8Array, maxLineBytes = 1 << 30): ByteRangeReader {
  return {
    size: data.length,
    maxLineBytes,
    read: async (pos, len) => data.slice(pos, Math.min(data.length, pos + len)),
    cursorAt: async (offset) => String(offset),
    offsetOf: async (cursor) => Number(cursor),
  }
}

export interface OracleLine {
  text: string
  bytes: Uint8Array
  /** Offset just past the line's '\n' (or the end of the data). */
  end: number
}

const dec = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

export function oracleLines(data: Uint8Array): OracleLine[] {
  const out: OracleLine[] = []
  let s = 0
  while (s < data.length) {
    let nl = data.indexOf(0x0a, s)
    const end = nl < 0 ? data.length : nl + 1
    if (nl < 0) nl = data.length
    const e = nl > s && data[nl - 1] === 0x0d ? nl - 1 : nl
    const bytes = data.subarray(s, e)
    out.push({ text: dec.decode(bytes), bytes, end })
    s = end
  }
  return out
}

function hasBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.length).indexOf(Buffer.from(needle)) >= 0
}

/** grep's answer: the lines that match, newest first. */
export function oracle(
  data: Uint8Array,
  q: string,
  regex: boolean,
  icase: boolean
): { text: string; end: number }[] {
  const needle = new TextEncoder().encode(q)
  const re =
    regex || icase
      ? RE2JS.compile(regex ? q : RE2JS.quote(q), icase ? RE2JS.CASE_INSENSITIVE : 0)
      : null
  return oracleLines(data)
    .filter((l) => (re ? re.test(l.text) : hasBytes(l.bytes, needle)))
    .map((l) => ({ text: l.text, end: l.end }))
    .reverse()
}

/** Every matching line of the whole history, newest first, through the chunked scan. */
export async function scanAll(
  data: Uint8Array,
  plan: SearchPlan,
  opts: ChunkOptions,
  maxLineBytes?: number,
  maxText = Infinity
): Promise<{ text: string; end: number; truncated: boolean }[]> {
  const reader = memoryReader(data, maxLineBytes)
  const chunks = new BackwardChunks(reader, data.length, opts)
  const hits = new RegionHits(plan, reader.maxLineBytes)
  const out: { text: string; end: number; truncated: boolean }[] = []
  for (let r = await chunks.next(), n = 0; r && n < 1_000_000; r = await chunks.next(), n++) {
    const { lines, resumeAt } = hits.hits(r, 1_000_000, maxText)
    if (resumeAt !== null) chunks.resume(resumeAt)
    for (const h of lines) out.push({ text: h.text, end: h.end, truncated: h.truncated })
  }
  return out
}
