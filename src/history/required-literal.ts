/**
 * @module The literal every match of a regular expression must contain: the prefilter that
 * lets search find candidate lines with a byte search over whole chunks, grep's "must" string.
 *
 * re2js (pinned at 2.10) builds that tree itself for its own prefilter: EXACT leaves under AND
 * nodes are each required; OR nodes and case-folded leaves give nothing. The tree is not part
 * of re2js's typed API, so anything of an unexpected shape means "no literal": a missing
 * prefilter costs speed, a wrong one would lose matches.
 */
import type { RE2JS } from 're2js'

interface PrefilterNode {
  type?: unknown
  str?: unknown
  subs?: unknown
}

const EXACT = 1
const AND = 2

/** Every literal the tree requires (all of them must occur in a match). */
function required(node: PrefilterNode | null | undefined, out: string[]): void {
  if (!node || typeof node !== 'object') return
  if (node.type === EXACT && typeof node.str === 'string' && node.str !== '') out.push(node.str)
  else if (node.type === AND && Array.isArray(node.subs)) {
    for (const sub of node.subs as PrefilterNode[]) required(sub, out)
  }
}

/**
 * The longest literal every match of `re` contains (longer needles are rarer and let the byte
 * search skip more), or null. U+FFFD is left out: a decoded line shows it for invalid bytes
 * that the raw bytes do not contain.
 */
export function requiredLiteral(re: RE2JS): string | null {
  const out: string[] = []
  try {
    required((re.re2() as { prefilter?: PrefilterNode }).prefilter, out)
  } catch {
    return null
  }
  let best: string | null = null
  for (const s of out) {
    if (s.includes('\uFFFD')) continue
    if (best === null || s.length > best.length) best = s
  }
  return best
}

/** The longest run of ASCII chars in `text` (an ASCII-only needle for case-insensitive search). */
export function longestAscii(text: string): string | null {
  let best = ''
  for (const run of text.split(/[^\x00-\x7f]+/)) if (run.length > best.length) best = run
  return best === '' ? null : best
}
