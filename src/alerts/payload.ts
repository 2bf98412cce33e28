/**
 * @module The JSON an alert POSTs, and the line's permalink in the page's own format
 * (web/src/permalink.ts: `?file=ID#file=ID&line=CURSOR&back=N`), so a click opens the line.
 */
import { webhookProblem } from './rule.js'

export interface AlertPayload {
  rule: string
  file: string
  line: string
  cursor: string
  /** The line's permalink with --public-url, else null. */
  url: string | null
  suppressed: number
}

/** A webhook gets the start of a very long line: a POST stays small whatever the log holds. */
export const MAX_LINE_CHARS = 8192

export function alertPayload(
  rule: string,
  file: string,
  text: string,
  cursor: string,
  back: number,
  publicUrl: string | undefined
): AlertPayload {
  return {
    rule,
    file,
    line: text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) : text,
    cursor,
    url: publicUrl === undefined ? null : permalink(publicUrl, file, cursor, back),
    suppressed: 0,
  }
}

export function permalink(publicUrl: string, file: string, cursor: string, back: number): string {
  const u = new URL(publicUrl)
  u.searchParams.set('file', file)
  const h = new URLSearchParams()
  h.set('file', file)
  h.set('line', cursor)
  if (back) h.set('back', String(back))
  u.hash = h.toString()
  return u.toString()
}

/** Why `url` cannot be the page's public address, or undefined. */
export function publicUrlProblem(url: string): string | undefined {
  const problem = webhookProblem(url)
  if (problem) return problem
  const u = new URL(url)
  if (u.search || u.hash) return 'must not have a query or a fragment (permalinks add their own)'
  return undefined
}
