/**
 * @module The matching lines of the regions of a backward scan, newest first, each with the
 * offset just past it (its cursor) and its text.
 *
 * Only matched lines are decoded. A line longer than the follower's limit is reported once,
 * as the piece of it (at most maxLineBytes, as /api/lines shows it) where the match is, with
 * `truncated`; a line longer than a region comes in several regions and is still one match,
 * whose cursor is the end of the whole line.
 */
import { CR, decodeLine } from './bytes.js'
import type { Region } from './backward-chunks.js'
import type { SearchPlan } from './search-plan.js'

export interface LineHit {
  /** File offset of the line's first byte (of this region's part of it). */
  start: number
  /** File offset just past the line and its '\n': where its cursor points. */
  end: number
  text: string
  truncated: boolean
}

export class RegionHits {
  /** The long line the last region ended in the middle of: its end, and whether it matched. */
  private open: { end: number; matched: boolean } | null = null

  constructor(
    private readonly plan: SearchPlan,
    private readonly maxLineBytes: number
  ) {}

  /**
   * The newest `max` matching lines of `r` (the regions come newest first), and at most about
   * `maxText` chars of them: what one page of a response holds, however dense the matches. When
   * that stops it early, `resumeAt` is the start of the oldest line returned: the scan goes on
   * from there (re-reading the rest of the region costs less than holding it).
   */
  hits(r: Region, max: number, maxText = Infinity): { lines: LineHit[]; resumeAt: number | null } {
    const found: number[] = []
    const keep = 3 * (max + 1)
    this.plan.scan(r.buf, 0, r.buf.length, (s, e, at) => {
      found.push(s, e, at)
      if (found.length >= 2 * keep) found.splice(0, found.length - keep)
    })
    const out: LineHit[] = []
    const open = this.open
    let openMatched = open?.matched ?? false
    let text = 0
    let resumeAt: number | null = null
    for (let i = found.length - 3; i >= 0 && out.length < max; i -= 3) {
      if (text >= maxText && out.length > 0) {
        resumeAt = (out[out.length - 1] as LineHit).start
        break
      }
      const s = found[i] as number
      const e = found[i + 1] as number
      const at = found[i + 2] as number
      const inLong = r.piece || (open !== null && e === r.buf.length)
      if (inLong && openMatched) continue
      const end = e < r.buf.length ? r.from + e + 1 : (open?.end ?? r.to)
      const h = this.hit(r, s, e, at, end, inLong)
      out.push(h)
      text += h.text.length
      if (inLong) openMatched = true
    }
    if (r.piece) this.open = { end: open?.end ?? r.to, matched: openMatched }
    else this.open = null
    return { lines: out, resumeAt }
  }

  private hit(r: Region, s: number, e: number, at: number, end: number, long: boolean): LineHit {
    let ts = s
    let te = e > s && r.buf[e - 1] === CR ? e - 1 : e
    const max = this.maxLineBytes
    const truncated = long || te - ts > max
    if (te - ts > max) {
      ts += Math.floor((Math.min(at, te - 1) - ts) / max) * max
      te = Math.min(te, ts + max)
    }
    return { start: r.from + s, end, text: decodeLine(r.buf, ts, te), truncated }
  }
}
