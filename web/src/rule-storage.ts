/**
 * @module Where highlight rules live: the browser's localStorage (per origin, so per server),
 * and a link that carries them to another browser in its fragment (`#rules=`), which the server
 * never sees. A stored value that does not parse is dropped rather than breaking the page.
 */
import { decodeRules, encodeRules, parseRules, type HighlightRule } from './highlight-rules.js'

const KEY = 'taillight.highlight-rules'
const PREFIX = '#rules='

export function loadRules(storage: Storage = localStorage): HighlightRule[] {
  try {
    const text = storage.getItem(KEY)
    return text ? parseRules(JSON.parse(text)) : []
  } catch {
    return []
  }
}

export function saveRules(rules: readonly HighlightRule[], storage: Storage = localStorage): void {
  try {
    storage.setItem(KEY, JSON.stringify(rules))
  } catch {
    // Storage full or disabled (private mode): the rules still apply to this page.
  }
}

/** This page's address with the rules in the fragment. */
export function exportUrl(rules: readonly HighlightRule[], loc: Location = location): string {
  return `${loc.origin}${loc.pathname}${loc.search}${PREFIX}${encodeRules(rules)}`
}

/** Rules offered by the page's fragment: undefined when it holds none. Throws RuleError. */
export function linkedRules(hash: string): HighlightRule[] | undefined {
  return hash.startsWith(PREFIX) ? decodeRules(hash.slice(PREFIX.length)) : undefined
}

/** The offer is answered: the fragment no longer describes the page. */
export function dropRulesLink(): void {
  if (location.hash.startsWith(PREFIX))
    history.replaceState(null, '', `${location.pathname}${location.search}`)
}
