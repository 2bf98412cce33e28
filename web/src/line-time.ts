/**
 * @module A line's own timestamp, in the page, for the histogram: the forms the server's jump to
 * a time reads, parsed by the same code (src/history/time-parse.ts has no imports and runs in
 * the page as it is). Here each line is tried in every form (the page sees lines of several
 * files in the merged view, so no format is locked), led by its first character. Only the first
 * 200 characters are looked at, so a long line costs no more than a short one.
 */
import { parseIso, stampParser } from '../../src/history/time-parse.js'

const HEAD = 200
const json = stampParser('json')
const clf = stampParser('clf')

/** Epoch ms of the line's own timestamp, or null (a continuation line, a line without one). */
export function lineTime(plain: string, now = Date.now()): number | null {
  const head = plain.length > HEAD ? plain.slice(0, HEAD) : plain
  const first = head.charCodeAt(0)
  if (first === 123) return json(head)
  // A digit starts an ISO time or a common log line's client address.
  if ((first >= 48 && first <= 57) || first === 91) return parseIso(head) ?? clf(head)
  return stampParser('syslog', now)(head) ?? clf(head)
}
