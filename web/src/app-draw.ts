/**
 * @module What the App draws besides the list's layout: one row's content (the line, its filter
 * marks and highlight-rule colours, the selected line's aria-current) and the chrome around the
 * list with the page title. Both run inside the frame loop's tasks, so each is drawn at most once per frame.
 */
import type { FileInfoJson } from './api.js'
import { MERGED } from './file-tabs.js'
import type { RuleSet } from './highlight-rules.js'
import type { HistoryView } from './history-view.js'
import { pageTitle } from './match-step.js'
import { fillRow, rowParts } from './row-view.js'
import type { Scrollback } from './scrollback.js'
import type { Entry, LineStore } from './store.js'
import type { ViewChrome } from './view-chrome.js'

export interface DrawHost {
  readonly store: LineStore
  readonly history: HistoryView
  readonly scrollback: Scrollback
  readonly file: string | undefined
  readonly files: FileInfoJson[]
  readonly target: Entry | undefined
  readonly highlights: RuleSet
  permalinkOf(e: Entry): string | undefined
}

export function fillEntry(app: DrawHost, row: HTMLElement, e: Entry): void {
  fillRow(row, e, app.store.ranges(e), app.permalinkOf(e), app.highlights.ranges)
  const text = rowParts(row).text
  if (e === app.target) {
    row.classList.add('target')
    text.setAttribute('aria-current', 'true')
  } else text.removeAttribute('aria-current')
}

export interface DrawState {
  following: boolean
  /** Lines below a scrolled-up view, and lines that came while the page was in the background. */
  unseen: number
  hiddenNew: number
  filterError: string | undefined
}

export function drawChrome(app: DrawHost, view: ViewChrome, s: DrawState): void {
  const info = app.files.find((f) => f.id === app.file)
  const name = app.file === MERGED ? 'All files' : info?.path.split('/').pop()
  const title = pageTitle(name, s.unseen + s.hiddenNew)
  if (document.title !== title) document.title = title
  view.draw({
    following: s.following,
    unseen: s.unseen,
    arrived: app.history.active ? app.history.arrived : undefined,
    filterError: s.filterError,
    // The merged view starts at the merge point, which is not the start of any file.
    atStart: app.scrollback.atStart && app.file !== MERGED,
    size: info?.size,
  })
}
