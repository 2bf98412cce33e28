/**
 * JSON lines (structured logs) can be expanded to a pretty view. Detection is cheap and lazy:
 * only lines that look like an object or array are parsed, and only when rendered or opened.
 */
const MAX_BYTES = 256 * 1024

export function looksLikeJson(line: string): boolean {
  const t = line.trim()
  if (t.length < 2 || t.length > MAX_BYTES) return false
  const a = t[0]
  const z = t[t.length - 1]
  return (a === '{' && z === '}') || (a === '[' && z === ']')
}

/** The parsed value, or undefined when the line is not JSON (a log line may look like it). */
export function parseJsonLine(line: string): unknown {
  if (!looksLikeJson(line)) return undefined
  try {
    return JSON.parse(line)
  } catch {
    return undefined
  }
}

/** Pretty text for the detail view; undefined when the line is not JSON. */
export function prettyJson(line: string): string | undefined {
  const v = parseJsonLine(line)
  return v === undefined ? undefined : JSON.stringify(v, null, 2)
}
