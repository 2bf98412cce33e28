/**
 * @module Numbers follower events as stream entries: ids, epochs and the p/q cursor chains.
 *
 * Pure and synchronous, so the numbering is a function of the events alone: the publisher can
 * throw away unsent entries, restore the chain from the newest entry Redis holds and rebuild
 * the same ids from the file.
 */
import type { Position } from '../core/log-source.js'
import type { FollowEvent, LogLine } from '../core/types.js'
import { headAfter, offsetOf, type Entry, type EntryType } from './entry.js'
import { formatId, MAX_SUB, offsetOfSeq, parseId, seqAt, SUB_BITS } from './keys.js'

type LinesEvent = Extract<FollowEvent, { type: 'lines' }>
type MarkerEvent = Extract<FollowEvent, { type: 'rotated' | 'appeared' | 'truncated' }>

interface Chain {
  epoch: number
  /** seq of the newest current-file entry: prev entries are numbered right after it. */
  headSeq: bigint
  sub: number
  /** The current file's cursor. */
  head: string
  /** `c` of the newest entry, the next entry's `p`. */
  last: string
  lastSeq: bigint
}

const SUB_MASK = (1n << SUB_BITS) - 1n

export class EntryBuilder {
  chain: Chain | null = null

  constructor(private readonly now: () => number = Date.now) {}

  /** Continues after an entry already in the stream. */
  restore(e: Entry): void {
    const { epoch, seq } = parseId(e.id)
    const headSeq = e.t === 'prev' ? seq & ~SUB_MASK : seq
    this.chain = {
      epoch,
      headSeq,
      sub: Number(seq - headSeq),
      head: headAfter(e),
      last: e.c,
      lastSeq: seq,
    }
  }

  /** Opens a new epoch at `at` (first publish ever, or a restart that cannot continue). */
  begin(t: 'start' | 'reset', at: Position, w: number, r = ''): Entry {
    const epoch = this.nextEpoch()
    return this.make(epoch, seqAt(at.offset), t, { c: at.cursor, q: '', s: at.offset, r, w })
  }

  lines(e: LinesEvent, fps: string[], w: number): Entry[] {
    const ch = this.need()
    if (e.previous) {
      const out: Entry[] = []
      // A rotated-away file written for long: renumber in a fresh epoch rather than wrap.
      if (ch.sub >= MAX_SUB) out.push(this.begin('reset', this.headPosition(ch), w, 'renumber'))
      const c = this.need()
      const seq = c.headSeq + BigInt(c.sub + 1)
      out.push(
        this.make(
          c.epoch,
          seq,
          'prev',
          { c: e.cursor, q: c.head, s: e.start, w, end: e.end },
          e.lines
        )
      )
      return out
    }
    const seq = seqAt(e.end)
    if (seq <= ch.lastSeq) {
      throw Object.assign(new Error(`entry ${ch.epoch}-${seq} would not follow ${ch.lastSeq}`), {
        code: 'E_SEQ_ORDER',
      })
    }
    const entry = { c: e.cursor, q: ch.head, s: e.start, w, fps }
    return [this.make(ch.epoch, seq, 'lines', entry, e.lines)]
  }

  marker(e: MarkerEvent, w: number): Entry {
    const t: EntryType =
      e.type === 'rotated' ? 'rotate' : e.type === 'appeared' ? 'appear' : 'truncate'
    const at = offsetOf(e.cursor)
    const entry = { c: e.cursor, q: '', s: at, w, r: 'reason' in e ? e.reason : '' }
    const out = this.make(this.nextEpoch(), seqAt(at), t, entry)
    if (e.type === 'truncated') {
      out.o = e.oldOffset
      out.z = e.size
    }
    return out
  }

  private make(
    epoch: number,
    seq: bigint,
    t: EntryType,
    f: { c: string; q: string; s: number; w: number; r?: string; fps?: string[]; end?: number },
    lines: LogLine[] = []
  ): Entry {
    const prev = this.chain
    const e: Entry = {
      id: formatId(epoch, seq),
      t,
      c: f.c,
      p: prev?.last ?? '',
      q: f.q,
      s: f.s,
      end: t === 'prev' ? (f.end ?? offsetOf(f.c)) : offsetOfSeq(seq),
      lines,
      fps: f.fps ?? lines.map(() => ''),
      r: f.r ?? '',
      o: 0,
      z: 0,
      w: f.w,
    }
    const cur = t !== 'prev'
    this.chain = {
      epoch,
      headSeq: cur ? seq : (prev?.headSeq ?? seq),
      sub: cur ? 0 : Number(seq & SUB_MASK),
      head: cur ? f.c : f.q,
      last: f.c,
      lastSeq: seq,
    }
    return e
  }

  private nextEpoch(): number {
    return Math.max(this.now(), (this.chain?.epoch ?? 0) + 1)
  }

  private headPosition(ch: Chain): Position {
    return { gen: ch.epoch, offset: offsetOf(ch.head), cursor: ch.head }
  }

  private need(): Chain {
    if (!this.chain) {
      throw Object.assign(new Error('entry builder used before begin()'), { code: 'E_NO_CHAIN' })
    }
    return this.chain
  }
}
