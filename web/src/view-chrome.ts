/**
 * @module The controls around the list that say where the view is: Pause/Resume with the held
 * count, "N new lines, jump to latest" when scrolled up, "Back to live" in a history view, the
 * counts in the footer and by the filter. Drawn once per frame at most (a task of the frame loop).
 */
import { el } from './dom.js'
import type { Feed } from './feed.js'
import type { FilterBar } from './filter-bar.js'
import type { LevelBar } from './level-bar.js'
import type { StatusBar } from './status-bar.js'
import type { LineStore } from './store.js'

export interface ChromeState {
  following: boolean
  /** Lines added below a scrolled-up view. */
  unseen: number
  /** In a history view: live lines written since it opened; undefined when live. */
  arrived: number | undefined
  filterError: string | undefined
  /** The loaded lines begin at the start of the file; `size`: the file's, when known. */
  atStart: boolean
  size: number | undefined
}

const n = (x: number) => x.toLocaleString('en-US')

export class ViewChrome {
  readonly pauseBtn = el<HTMLButtonElement>('pause')
  readonly jumpBtn = el<HTMLButtonElement>('jump')
  readonly liveBtn = el<HTMLButtonElement>('live')

  constructor(
    private readonly feed: Feed,
    private readonly store: LineStore,
    private readonly status: StatusBar,
    private readonly filterBar: FilterBar,
    private readonly levels: LevelBar
  ) {}

  draw(s: ChromeState): void {
    const held = this.feed.held
    this.pauseBtn.textContent = this.feed.paused
      ? `Resume${held ? ` (${n(held)}${this.feed.overflowed ? '+' : ''} new)` : ''}`
      : 'Pause'
    this.pauseBtn.setAttribute('aria-pressed', String(this.feed.paused))
    this.pauseBtn.hidden = s.arrived !== undefined
    const showJump = s.arrived === undefined && !s.following && s.unseen > 0
    this.jumpBtn.hidden = !showJump
    if (showJump)
      this.jumpBtn.textContent = `${n(s.unseen)} new line${s.unseen === 1 ? '' : 's'}, jump to latest`
    this.liveBtn.hidden = s.arrived === undefined
    if (s.arrived !== undefined)
      this.liveBtn.textContent = `Back to live${s.arrived ? ` (${n(s.arrived)} new)` : ''}`
    this.status.counts(
      this.store.shownLines,
      this.store.lines,
      this.store.filtered,
      this.store.inverted,
      {
        atStart: s.atStart,
        size: s.size,
      }
    )
    this.levels.draw(this.store.levelCounts.counts)
    this.filterBar.result(s.filterError, this.store.shownLines, this.store.filtered)
  }
}
