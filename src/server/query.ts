/**
 * @module Strict query-string parsing and parameter validation.
 *
 * URLSearchParams silently repairs bad percent-encoding; we refuse it instead, along with
 * oversized or repeated parameters and numbers outside their range, as a 400 with a JSON body.
 */

export const MAX_QUERY_LENGTH = 4096
export const MAX_VALUE_LENGTH = 1024
/** The most lines one request may ask for (`lines=`, and `--lines` of the command). */
export const MAX_LINES = 10_000

export class ParamError extends Error {
  readonly status: 400 | 404 | 409
  constructor(
    readonly code: string,
    message: string,
    readonly param?: string,
    status: 400 | 404 | 409 = 400
  ) {
    super(message)
    this.status = status
  }
}

/** Parses the query of a URL; throws ParamError on anything malformed. */
export function parseQuery(url: string): Map<string, string> {
  const q = url.indexOf('?')
  const out = new Map<string, string>()
  if (q < 0) return out
  let raw = url.slice(q + 1)
  const hash = raw.indexOf('#')
  if (hash >= 0) raw = raw.slice(0, hash)
  if (raw.length > MAX_QUERY_LENGTH) {
    throw new ParamError('query_too_long', `query string longer than ${MAX_QUERY_LENGTH} bytes`)
  }
  for (const part of raw.split('&')) {
    if (part === '') continue
    const eq = part.indexOf('=')
    const key = decode(eq < 0 ? part : part.slice(0, eq), 'name')
    const value = eq < 0 ? '' : decode(part.slice(eq + 1), key)
    if (value.length > MAX_VALUE_LENGTH) {
      throw new ParamError('param_too_long', `${key} longer than ${MAX_VALUE_LENGTH}`, key)
    }
    if (out.has(key)) throw new ParamError('param_repeated', `${key} given more than once`, key)
    out.set(key, value)
  }
  return out
}

function decode(s: string, param: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    throw new ParamError('bad_encoding', `bad percent-encoding in ${param}`, param)
  }
}

/** An integer parameter in [min, max]; `fallback` when absent. */
export function intParam(
  q: Map<string, string>,
  name: string,
  min: number,
  max: number,
  fallback: number
): number {
  const v = q.get(name)
  if (v === undefined) return fallback
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ParamError('bad_param', `${name} must be an integer from ${min} to ${max}`, name)
  }
  return Number(v)
}

/** A boolean flag: absent, 0/false or 1/true. */
export function flagParam(q: Map<string, string>, name: string): boolean {
  const v = q.get(name)
  if (v === undefined || v === '0' || v === 'false') return false
  if (v === '' || v === '1' || v === 'true') return true
  throw new ParamError('bad_param', `${name} must be 1 or 0`, name)
}

/** A cursor parameter: printable ASCII, bounded. Its meaning is the LogSource's business. */
export function cursorParam(q: Map<string, string>, name: string): string | undefined {
  const v = q.get(name)
  if (v === undefined) return undefined
  if (!/^[\x21-\x7e]{1,256}$/.test(v)) {
    throw new ParamError('bad_cursor', `${name} is not a cursor`, name)
  }
  return v
}
