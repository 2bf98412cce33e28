/**
 * Numbered log lines for the server tests: `line 1`, `line 2`, ...
 */

/** The lines `line from` … `line to`, as file content (each ends with '\n'). */
export function numbered(from: number, to: number): string {
  let s = ''
  for (let i = from; i <= to; i++) s += `line ${i}\n`
  return s
}

/** The same lines as strings without '\n', as a client receives them. */
export function range(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`)
}
