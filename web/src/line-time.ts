/**
 * @module A line's own timestamp, in the page, for the histogram: the forms the server's jump to
 * a time reads (src/history/time-parse.ts; the page bundle cannot import src/): ISO 8601 /
 * RFC 3339 at the start, syslog (`Dec  1 10:00:00`), common log (`[01/Dec/2026:10:00:00 +0000]`)
 * and a JSON `time`/`ts`/`timestamp`/`@timestamp` field. Times without a zone are UTC, as there.
 * Only the first 200 characters are looked at, so a long line costs no more than a short one.
 */

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
const ISO =
  /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|z|[+-]\d{2}(?::?\d{2})?)?/
const SYSLOG = /^([A-Z][a-z]{2}) ([ \d]?\d) (\d{2}):(\d{2}):(\d{2})/
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]/
const JSON_FIELD =
  /"(?:@timestamp|timestamp|time|ts)"\s*:\s*(?:"([^"\\]{1,64})"|(-?\d{1,19})(?:\.(\d{1,9}))?)/
const HEAD = 200

function month(name: string | undefined): number {
  const i = name && name.length === 3 ? MONTHS.indexOf(name) : -1
  return i % 3 === 0 ? i / 3 : -1
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  return Date.UTC(y, mo, d, h, mi, s)
}

function zoneMs(z: string | undefined): number | null {
  if (!z || z === 'Z' || z === 'z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z)
  if (!m) return null
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000
}

function iso(text: string): number | null {
  const m = ISO.exec(text)
  if (!m) return null
  const base = utc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
  const zone = zoneMs(m[8])
  if (base === null || zone === null) return null
  return base + (m[7] ? Number(`0.${m[7]}`) * 1000 : 0) - zone
}

/** Syslog has no year: the one that puts the time at most a day after `now`. */
function syslog(m: RegExpExecArray, now: number): number | null {
  const year = new Date(now).getUTCFullYear()
  const at = (y: number) => utc(y, month(m[1]), +m[2]!, +m[3]!, +m[4]!, +m[5]!)
  const t = at(year)
  return t !== null && t > now + 86_400_000 ? at(year - 1) : t
}

function json(m: RegExpExecArray): number | null {
  if (m[1] !== undefined) return iso(m[1])
  const n = Number(m[2])
  // Epoch seconds or milliseconds, told apart by size (seconds reach 1e11 only in 5138).
  return Math.abs(n) < 1e11 ? n * 1000 + (m[3] ? Number(`0.${m[3]}`) * 1000 : 0) : n
}

/** Epoch ms of the line's own timestamp, or null (a continuation line, a line without one). */
export function lineTime(plain: string, now = Date.now()): number | null {
  const head = plain.length > HEAD ? plain.slice(0, HEAD) : plain
  const first = head.charCodeAt(0)
  // A digit starts an ISO time or a common log line's client address.
  if ((first >= 48 && first <= 57) || first === 91) return iso(head) ?? clf(CLF.exec(head))
  if (first === 123) {
    const m = JSON_FIELD.exec(head)
    return m ? json(m) : null
  }
  const s = SYSLOG.exec(head)
  if (s) return syslog(s, now)
  return clf(CLF.exec(head))
}

function clf(m: RegExpExecArray | null): number | null {
  if (!m) return null
  const base = utc(+m[3]!, month(m[2]), +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  if (base === null) return null
  return base - (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000
}
