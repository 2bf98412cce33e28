/**
 * @module Alert rules: what a config's `alerts:` entry says, compiled once so that matching a
 * line costs one RE2 test (linear in the line, whatever the pattern: a rule can never make
 * reading slow by backtracking).
 */
import { RE2JS } from 're2js'
import { loadPicomatch } from '../config/lazy-deps.js'
import { requiredLiteral } from '../history/required-literal.js'

/** An `alerts:` entry as checked by the config schema. */
export interface AlertSpec {
  name: string
  /** An RE2 expression, tested against each line (unanchored). */
  match: string
  /** File ids, paths or path patterns; absent: every file. */
  files?: readonly string[]
  /** http:// or https:// URL that gets the POSTs. */
  webhook: string
  /** At most one POST per this many seconds. */
  every: number
}

export interface AlertRule extends AlertSpec {
  test(text: string): boolean
  appliesTo(file: { id: string; path: string }): boolean
}

export const DEFAULT_EVERY = 60
export const MAX_RULES = 100

/** Why `match` is not a usable RE2 expression, or undefined. */
export function matchProblem(match: string): string | undefined {
  try {
    RE2JS.compile(match)
    return undefined
  } catch (err) {
    return `is not a valid RE2 expression: ${(err as Error).message}`
  }
}

/** Why `url` cannot be a webhook, or undefined. */
export function webhookProblem(url: string): string | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'must be an http:// or https:// URL'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http:// or https:// URL'
  if (u.username || u.password) return 'must not carry a user or password (use a token in the path)'
  return undefined
}

export function compileRule(spec: AlertSpec): AlertRule {
  const re = RE2JS.compile(spec.match)
  const must = requiredLiteral(re)
  const pm = loadPicomatch()
  const matchers = (spec.files ?? []).map((f) =>
    /[*?[]/.test(f) ? pm(f, { dot: false, nobrace: true, noextglob: true }) : undefined
  )
  return {
    ...spec,
    // A literal every match contains is looked for first: most lines lack it, and includes()
    // is many times cheaper than running the RE2 machine over the line.
    test: must
      ? (text) => text.includes(must) && re.matcher(text).find()
      : (text) => re.matcher(text).find(),
    appliesTo(file) {
      if (!spec.files) return true
      return spec.files.some(
        (f, i) => f === file.id || f === file.path || matchers[i]?.(file.path) === true
      )
    },
  }
}
