/**
 * @module The link that carries highlight rules: the page's address with the rules, encoded, in
 * the fragment (`#rules=`), which a browser never sends to the server. An access token in the
 * address is left out, so sharing rules never shares access. Pure, for the unit tests.
 */
import { decodeRules, encodeRules, type HighlightRule } from './highlight-rules.js'

export const RULES_PREFIX = '#rules='

export interface PageAddress {
  readonly origin: string
  readonly pathname: string
  readonly search: string
}

export function rulesUrl(rules: readonly HighlightRule[], at: PageAddress): string {
  const q = new URLSearchParams(at.search)
  q.delete('token')
  const search = q.toString() ? `?${q}` : ''
  return `${at.origin}${at.pathname}${search}${RULES_PREFIX}${encodeRules(rules)}`
}

/** Rules offered by a fragment: undefined when it holds none. Throws RuleError. */
export function linkedRules(hash: string): HighlightRule[] | undefined {
  return hash.startsWith(RULES_PREFIX) ? decodeRules(hash.slice(RULES_PREFIX.length)) : undefined
}
