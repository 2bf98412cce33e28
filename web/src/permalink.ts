/**
 * Permalinks address a line by an opaque cursor plus a count: `cursor` is a position the server
 * handed out (the end of the line's batch) and `back` says how many lines before it the line ends.
 * So a link needs nothing beyond the contract: /api/lines?before=cursor returns the line and its
 * context, and /events resumed from cursor returns what came after.
 */
export interface Permalink {
  file?: string
  cursor: string
  back: number
}

export function formatPermalink(p: Permalink): string {
  const h = new URLSearchParams()
  if (p.file !== undefined) h.set('file', p.file)
  h.set('line', p.cursor)
  if (p.back) h.set('back', String(p.back))
  return '#' + h.toString()
}

export function parsePermalink(hash: string): Permalink | undefined {
  const h = new URLSearchParams(hash.replace(/^#/, ''))
  const cursor = h.get('line')
  if (!cursor) return undefined
  const back = Number(h.get('back') ?? 0)
  return {
    file: h.get('file') ?? undefined,
    cursor,
    back: Number.isInteger(back) && back >= 0 && back < 1e6 ? back : 0,
  }
}
