/**
 * @module Which file a line of the merged view ("All") came from, carried with the line itself.
 *
 * The wire keeps it apart (`files` in the update event); the connection folds it into the line
 * as an OSC escape (`ESC ] taillight-file;ID BEL`), which stripAnsi removes, so every path
 * that works on a line's text (filters, levels, records, Save shown, the panel) sees the log
 * line unchanged, and the ring, the ingest queue and the worker messages need no second array.
 * Only the row view reads it back, and only at the very start of a line (where the connection
 * put it), so a log line holding the same bytes cannot pass for another file.
 */

const PREFIX = '\x1b]taillight-file;'
const END = '\x07'
/** Colours for file tags (CSS classes ftag-0..7, readable in both themes). */
export const TAG_COLOURS = 8

export function tagLine(file: string, text: string): string {
  return `${PREFIX}${file}${END}${text}`
}

/** The file and the line without its tag; undefined for an untagged line. */
export function parseTag(text: string): { file: string; rest: string } | undefined {
  if (!text.startsWith(PREFIX)) return undefined
  const end = text.indexOf(END, PREFIX.length)
  if (end < 0) return undefined
  return { file: text.slice(PREFIX.length, end), rest: text.slice(end + 1) }
}

/** The served order of the files (the tabs'): the first eight files get distinct colours. */
let order: readonly string[] = []

export function setTagOrder(ids: readonly string[]): void {
  order = ids
}

/** A file's colour: its place in the served order, else from its id (stable across reloads). */
export function tagColour(file: string): number {
  const at = order.indexOf(file)
  if (at >= 0) return at % TAG_COLOURS
  let h = 0
  for (let i = 0; i < file.length; i++) h = (h * 31 + file.charCodeAt(i)) >>> 0
  return h % TAG_COLOURS
}

/** Tags lines of a merged update; lines without a file (a malformed event) stay as they are. */
export function tagLines(lines: string[], files: unknown): string[] {
  if (!Array.isArray(files)) return lines
  return lines.map((l, i) => (typeof files[i] === 'string' ? tagLine(files[i] as string, l) : l))
}
