/**
 * @module Numbers follower events as stream entries: ids, epochs and the cursor chains.
 *
 * Pure and synchronous, so the numbering is a function of the events alone: the publisher can
 * throw away unsent entries, restore the chain from the newest entry Redis holds (after a
 * restart, a takeover by a standby, a Redis failover) and rebuild the same ids from the file.
 */
import type { Position } from '../../core/log-source.js'
import type { FollowEvent, LogLine } from '../../core/types.js'
import {
  formatId,
  headAfter,
  MAX_SUB,
  offsetOf,
  offsetOfSeq,
  parseId,
  seqAt,
  SUB_BITS,
  type Entry,
  type EntryType,
} from '../protocol.js'

type LinesEvent = Extract<FollowEvent, { type: 'lines' }>
type MarkerEvent = Extract<FollowEvent, { type: 'rotated' | 'appeared' | 'truncated' }>

interface Chain {
  epoch: number
  /** seq of the newest current-file entry: prev entries are numbered right after it. */
  headSeq: bigint
  sub: number
  /** The current file's cursor. */
  head: string
  /** `cursor` of the newest entry, the next entry's `prevCursor`. */
  last: string
  lastSeq: bigint
}

interface Fields {
  cursor: string
  headBefore: string
  start: number
  watcherTime: number
  reason?: string
  fingerprints?: string[]
  end?: number
}

const SUB_MASK = (1n << SUB_BITS) - 1n

export class EntryBuilder {
  chain: Chain | null = null

  constructor(private readonly now: () => number = Date.now) {}

  /** Continues after an entry already in the stream. */
  restore(e: Entry): void {
    const { epoch, seq } = parseId(e.id)
    const headSeq = e.type === 'prev' ? seq & ~SUB_MASK : seq
    const sub = Number(seq - headSeq)
    this.chain = { epoch, headSeq, sub, head: headAfter(e), last: e.cursor, lastSeq: seq }
  }

  /** Opens a new epoch at `at` (first publish ever, or a restart that cannot continue). */
  begin(type: 'start' | 'reset', at: Position, watcherTime: number, reason = ''): Entry {
    const f = { cursor: at.cursor, headBefore: '', start: at.offset, reason, watcherTime }
    return this.make(this.nextEpoch(), seqAt(at.offset), type, f)
  }

  lines(e: LinesEvent, fingerprints: string[], watcherTime: number): Entry[] {
    const ch = this.need()
    if (e.previous) {
      const out: Entry[] = []
      // A rotated-away file written for long: renumber in a fresh epoch rather than wrap.
      if (ch.sub >= MAX_SUB) {
        const head = { gen: ch.epoch, offset: offsetOf(ch.head), cursor: ch.head }
        out.push(this.begin('reset', head, watcherTime, 'renumber'))
      }
      const c = this.need()
      const f = { cursor: e.cursor, headBefore: c.head, start: e.start, watcherTime, end: e.end }
      out.push(this.make(c.epoch, c.headSeq + BigInt(c.sub + 1), 'prev', f, e.lines))
      return out
    }
    const seq = seqAt(e.end)
    if (seq <= ch.lastSeq) {
      throw Object.assign(new Error(`entry ${ch.epoch}-${seq} would not follow ${ch.lastSeq}`), {
        code: 'E_SEQ_ORDER',
      })
    }
    const f = { cursor: e.cursor, headBefore: ch.head, start: e.start, watcherTime, fingerprints }
    return [this.make(ch.epoch, seq, 'lines', f, e.lines)]
  }

  marker(e: MarkerEvent, watcherTime: number): Entry {
    const type: EntryType =
      e.type === 'rotated' ? 'rotate' : e.type === 'appeared' ? 'appear' : 'truncate'
    const at = offsetOf(e.cursor)
    const reason = 'reason' in e ? e.reason : ''
    const f = { cursor: e.cursor, headBefore: '', start: at, watcherTime, reason }
    const out = this.make(this.nextEpoch(), seqAt(at), type, f)
    if (e.type === 'truncated') {
      out.oldOffset = e.oldOffset
      out.size = e.size
    }
    return out
  }

  private make(epoch: number, seq: bigint, type: EntryType, f: Fields, lines: LogLine[] = []) {
    const prev = this.chain
    const e: Entry = {
      id: formatId(epoch, seq),
      type,
      cursor: f.cursor,
      prevCursor: prev?.last ?? '',
      headBefore: f.headBefore,
      start: f.start,
      end: type === 'prev' ? (f.end ?? offsetOf(f.cursor)) : offsetOfSeq(seq),
      lines,
      fingerprints: f.fingerprints ?? lines.map(() => ''),
      reason: f.reason ?? '',
      oldOffset: 0,
      size: 0,
      watcherTime: f.watcherTime,
    }
    const cur = type !== 'prev'
    this.chain = {
      epoch,
      headSeq: cur ? seq : (prev?.headSeq ?? seq),
      sub: cur ? 0 : Number(seq & SUB_MASK),
      head: cur ? f.cursor : f.headBefore,
      last: f.cursor,
      lastSeq: seq,
    }
    return e
  }

  private nextEpoch(): number {
    return Math.max(this.now(), (this.chain?.epoch ?? 0) + 1)
  }

  private need(): Chain {
    if (!this.chain) {
      throw Object.assign(new Error('entry builder used before begin()'), { code: 'E_NO_CHAIN' })
    }
    return this.chain
  }
}
