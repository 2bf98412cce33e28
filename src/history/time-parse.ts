/**
 * @module Timestamps at the start of log lines, for jump to a time: ISO 8601 / RFC 3339,
 * syslog (`Dec  1 10:00:00`), common/combined log (`[01/Dec/2026:10:00:00 +0000]`) and JSON
 * lines with a `time`, `ts`, `timestamp` or `@timestamp` field (a string or epoch digits).
 *
 * A file is sniffed once and its format locked (lnav's rule): a probe in the middle of a file
 * then never mistakes a date inside a message for the line's own time. Times without a zone
 * are read as UTC. Syslog has no year: the one that puts the time at most a day after `now`.
 */

export type TimeFormat = 'iso' | 'syslog' | 'clf' | 'json'

/** Epoch ms of the line's timestamp, or null when the line has none (a continuation line). */
export type StampParser = (head: string) => number | null

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
}

const ISO =
  /^\[?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|z|[+-]\d{2}(?::?\d{2})?)?/
const SYSLOG = /^([A-Z][a-z]{2}) ([ \d]?\d) (\d{2}):(\d{2}):(\d{2})/
const CLF = /\[(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})\]/
const JSON_FIELD =
  /"(?:@timestamp|timestamp|time|ts)"\s*:\s*(?:"([^"\\]{1,64})"|(-?\d{1,19})(?:\.(\d{1,9}))?)/

function zoneMs(z: string | undefined): number | null {
  if (!z || z === 'Z' || z === 'z') return 0
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z)
  if (!m) return null
  const mins = Number(m[2]) * 60 + Number(m[3] ?? 0)
  return (m[1] === '-' ? -1 : 1) * mins * 60_000
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number): number | null {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return null
  return Date.UTC(y, mo, d, h, mi, s)
}

/** An ISO 8601 / RFC 3339 time at the start of `text` (also the `at=` parameter's form). */
export function parseIso(text: string): number | null {
  const m = ISO.exec(text)
  if (!m) return null
  const base = utc(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)
  const zone = zoneMs(m[8])
  if (base === null || zone === null) return null
  const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0
  return base + frac - zone
}

function parseSyslog(text: string, now: number): number | null {
  const m = SYSLOG.exec(text)
  const mo = m ? MONTHS[m[1]!] : undefined
  if (!m || mo === undefined) return null
  const year = new Date(now).getUTCFullYear()
  const t = utc(year, mo, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!)
  if (t === null) return null
  return t > now + 86_400_000 ? utc(year - 1, mo, +m[2]!.trim(), +m[3]!, +m[4]!, +m[5]!) : t
}

function parseClf(text: string): number | null {
  const m = CLF.exec(text)
  const mo = m ? MONTHS[m[2]!] : undefined
  if (!m || mo === undefined) return null
  const t = utc(+m[3]!, mo, +m[1]!, +m[4]!, +m[5]!, +m[6]!)
  if (t === null) return null
  const zone = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9])) * 60_000
  return t - zone
}

/** Epoch digits: 10 or fewer are seconds, then ms, µs and ns by length (13, 16, 19). */
export function epochMs(digits: string, frac = ''): number {
  const n = Number(digits)
  const len = digits.replace(/^-/, '').length
  if (len <= 11) return Number(`${digits}.${frac || '0'}`) * 1000
  if (len <= 14) return n
  if (len <= 17) return Math.floor(n / 1000)
  return Math.floor(n / 1_000_000)
}

function parseJson(text: string): number | null {
  if (!text.startsWith('{')) return null
  const m = JSON_FIELD.exec(text)
  if (!m) return null
  if (m[1] !== undefined) return parseIso(m[1]) ?? (/^\d+$/.test(m[1]) ? epochMs(m[1]) : null)
  return epochMs(m[2]!, m[3])
}

export function stampParser(format: TimeFormat, now = Date.now()): StampParser {
  switch (format) {
    case 'iso':
      return parseIso
    case 'syslog':
      return (t) => parseSyslog(t, now)
    case 'clf':
      return parseClf
    case 'json':
      return parseJson
  }
}

const ORDER: TimeFormat[] = ['json', 'iso', 'clf', 'syslog']

/** The format of the first line that has a timestamp of any known format, or null. */
export function sniffFormat(heads: Iterable<string>, now = Date.now()): TimeFormat | null {
  const parsers = ORDER.map((f) => [f, stampParser(f, now)] as const)
  for (const head of heads) {
    for (const [format, parse] of parsers) if (parse(head) !== null) return format
  }
  return null
}
