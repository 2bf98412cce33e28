/**
 * @module n / N: the next or previous row with a filter match, from a row (or from an end). A
 * scan of the loaded rows at most (the ring's cap), once per key press.
 */
export interface MatchRows<T> {
  readonly count: number
  row(i: number): T | undefined
  /** Whether row's entry has a match to go to (markers do not). */
  hit(e: T): boolean
}

/** Row of the next (dir 1) or previous (-1) hit after `from` (-1: none yet), or -1. */
export function nextMatch<T>(rows: MatchRows<T>, from: number, dir: 1 | -1): number {
  const start = from >= 0 ? from : dir > 0 ? -1 : rows.count
  for (let i = start + dir; i >= 0 && i < rows.count; i += dir) {
    const e = rows.row(i)
    if (e !== undefined && rows.hit(e)) return i
  }
  return -1
}

/** The page title: the file and, when there are lines the reader has not seen, how many. */
export function pageTitle(name: string | undefined, unread: number): string {
  if (!name) return 'taillight'
  return `${unread ? `(${unread.toLocaleString('en-US')}) ` : ''}${name} · taillight`
}
