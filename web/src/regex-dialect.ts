/**
 * @module One regular-expression dialect for the page and the server. History search runs on the
 * server's linear-time engine (RE2), which has no lookaround and no backreferences; the page
 * filter runs on the browser's RegExp. A pattern the page accepted then failed in history search
 * with a raw engine error, so the page refuses what RE2 cannot run, with a reason, up front
 * (cheaper than shipping RE2 itself in the page bundle). Checked against re2js in the tests.
 */

/** Why RE2 would refuse `pattern`, or undefined when only the browser's own parse remains. */
export function re2Unsupported(pattern: string): string | undefined {
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\') {
      const next = pattern[i + 1] ?? ''
      if (!inClass && /[1-9]/.test(next)) return 'backreferences (\\1) are not supported'
      if (!inClass && next === 'k' && pattern[i + 2] === '<')
        return 'named backreferences (\\k<name>) are not supported'
      i++
      continue
    }
    if (inClass) {
      if (c === ']') inClass = false
      continue
    }
    if (c === '[') {
      inClass = true
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (pattern[i + 1] === '^') i++
      if (pattern[i + 1] === ']') i++
      continue
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4)
      if (rest.startsWith('=') || rest.startsWith('!')) return 'lookahead (?= (?! is not supported'
      if (rest === '<=' || rest === '<!') return 'lookbehind (?<= (?<! is not supported'
    }
  }
  return undefined
}
