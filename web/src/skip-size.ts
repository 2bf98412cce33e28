/**
 * @module How far behind the page lets the server fall before it skips ahead (`/events?skip=`).
 * The ring keeps `cap` lines, so anything more than about cap × (average line size) behind the
 * newest data would be evicted before it was seen: the server may as well not send it. The
 * average comes from the lines seen so far, so a log of long JSON lines asks for more bytes than
 * one of short lines.
 */

/** Above the server's own minimum (64 KiB), with an event of slack. */
export const MIN_SKIP = 128 * 1024
/** Keeps the bytes the page may have to receive and hold (heap target: 100 MB) in check. */
export const MAX_SKIP = 32 * 1024 * 1024
/** Assumed until a line has been seen: a typical access-log line. */
export const DEFAULT_LINE_BYTES = 128

export class LineSizeEstimate {
  private lines = 0
  private bytes = 0

  /** Counts a batch; string length stands in for bytes (exact for ASCII logs, cheap for all). */
  observe(texts: readonly string[]): void {
    for (const t of texts) this.bytes += t.length + 1
    this.lines += texts.length
    // Keep the estimate recent and the sums small: halve both once they are large.
    if (this.lines > 1_000_000) {
      this.lines /= 2
      this.bytes /= 2
    }
  }

  /** Average bytes per line, newline included. */
  get average(): number {
    return this.lines > 0 ? this.bytes / this.lines : DEFAULT_LINE_BYTES
  }
}

/**
 * Share of the ring the lines after a skip may fill before the next skip. After a skip the
 * server also sends recent context (up to half the threshold), so at 1/2 the lines that follow
 * a marker fill at most 3/4 of the ring: the marker (and some lines before it) stays in the
 * ring, with room to load the newest part of the range. At 3/4, context plus threshold could
 * pass the ring and push the marker out.
 */
export const SKIP_SHARE = 0.5

/** The `skip` to ask for: most of what a ring of `cap` lines holds, within the bounds. */
export function skipBytes(cap: number, averageLineBytes: number): number {
  const want = Math.round(cap * averageLineBytes * SKIP_SHARE)
  if (!Number.isFinite(want)) return MAX_SKIP
  return Math.min(MAX_SKIP, Math.max(MIN_SKIP, want))
}
