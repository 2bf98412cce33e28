/**
 * @module The page's one command interface: what the keyboard, the line actions, history search
 * and permalinks ask of the viewer. They name an intent (open at this cursor, back to live,
 * select this line) and never reach into the viewer's parts, so each can change on its own.
 */
import type { Permalink } from './permalink.js'
import type { Entry } from './store.js'

export interface Commands {
  /** Enters the history view at a line: it is loaded with context around it and marked. */
  openAt(link: Permalink): Promise<void>
  /** Leaves the history view (or the scrolled-up view) for the end of the file, following. */
  backToLive(): void
  /** Home: the file's first line, selected (in the history view when its start is not loaded). */
  toStart(): Promise<void>
  /** Marks a line as the current one (aria-current), or none. */
  select(e: Entry | undefined): void
  /** Selects the next (1) or previous (-1) line with a filter match and shows it. */
  step(dir: 1 | -1): void
  togglePause(): void
  /** Loads the lines of a skipped-range marker. */
  loadSkipped(e: Entry): Promise<void>
  /** The address of a line (`?file=…#line=…`), or undefined for markers. */
  permalinkOf(e: Entry): string | undefined
}
