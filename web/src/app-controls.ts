/**
 * @module The toolbar and the buttons over the list, wired to the view: the text filter and the
 * level bar (both refilter the store, keeping the selected line in view), wrap, pause, "jump to
 * latest" and "Back to live". Built once per page; each control only names what it changes.
 */
import type { Feed } from './feed.js'
import { compileFilter } from './filter.js'
import { FilterBar } from './filter-bar.js'
import { LevelBar } from './level-bar.js'
import type { StatusBar } from './status-bar.js'
import type { Entry, LineStore } from './store.js'
import { ViewChrome } from './view-chrome.js'
import type { VirtualList } from './virtual-list.js'
import { WrapToggle } from './wrap-toggle.js'

export interface ControlsHost {
  readonly store: LineStore
  readonly list: VirtualList<Entry>
  readonly feed: Feed
  readonly status: StatusBar
  readonly target: Entry | undefined
  /** The filter's compile error, shown by the filter box; undefined when it compiles. */
  filterError: string | undefined
  togglePause(): void
  backToLive(): void
  changed(repaint?: boolean): void
}

export interface Controls {
  filterBar: FilterBar
  levels: LevelBar
  view: ViewChrome
  wrap: WrapToggle
}

export function wireControls(app: ControlsHost, onSearchHistory: () => void): Controls {
  // The view's rows changed wholesale: keep the selected line in view if scrolled to it.
  const refiltered = () => {
    app.changed(true)
    const row = !app.list.following && app.target ? app.store.rowOf(app.target) : -1
    if (row >= 0) app.list.scrollToRow(row)
  }
  const filterBar = new FilterBar((spec) => {
    const f = compileFilter(spec)
    app.store.setFilter(f)
    app.filterError = f.error
    refiltered()
  }, onSearchHistory)
  const levels = new LevelBar((chosen) => {
    app.store.setLevels(chosen)
    refiltered()
  })
  const view = new ViewChrome(app.feed, app.store, app.status, filterBar, levels)
  view.pauseBtn.addEventListener('click', () => app.togglePause())
  view.jumpBtn.addEventListener('click', () => app.backToLive())
  view.liveBtn.addEventListener('click', () => app.backToLive())
  const wrap = new WrapToggle((on) => (app.list.wrap = on))
  return { filterBar, levels, view, wrap }
}
