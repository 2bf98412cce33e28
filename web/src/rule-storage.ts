/**
 * @module Where highlight rules live: the browser's localStorage (per origin, so per server),
 * and a link that carries them to another browser in its fragment (`#rules=`, rules-link.ts),
 * which the server never sees. A stored value that does not parse is dropped rather than
 * breaking the page.
 */
import { parseRules, type HighlightRule } from './highlight-rules.js'
import { RULES_PREFIX, rulesUrl } from './rules-link.js'

export { linkedRules } from './rules-link.js'

const KEY = 'taillight.highlight-rules'

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

/** This page's address with the rules in the fragment (rules-link.ts). */
export function exportUrl(rules: readonly HighlightRule[]): string {
  return rulesUrl(rules, location)
}

/** The offer is answered: the fragment no longer describes the page. */
export function dropRulesLink(): void {
  if (location.hash.startsWith(RULES_PREFIX))
    history.replaceState(null, '', `${location.pathname}${location.search}`)
}
