/**
 * @module The page's reading aids over the line view: highlight rules (the dialog, the colours
 * in drawn rows, notifications for new matches while the tab is hidden) and the histogram. Both
 * watch the store's lines through one composed StoreWatcher, so each line costs them O(1).
 */
import type { Api } from './api.js'
import { stripAnsi } from './ansi.js'
import type { Commands } from './commands.js'
import type { FrameLoop } from './frame-loop.js'
import { HighlightPanel } from './highlight-panel.js'
import type { RuleSet } from './highlight-rules.js'
import type { HistoryView } from './history-view.js'
import { Histogram } from './histogram.js'
import { browserNotify, RuleNotifier } from './rule-notify.js'
import type { Entry, LineStore } from './store.js'
import type { VirtualList } from './virtual-list.js'

export interface ExtrasHost extends Commands {
  readonly api: Api
  readonly store: LineStore
  readonly loop: FrameLoop
  readonly list: VirtualList<Entry>
  readonly history: HistoryView
  readonly file: string | undefined
  highlights: RuleSet
}

export function wireExtras(app: ExtrasHost): { highlights: HighlightPanel; histogram: Histogram } {
  const notifier = new RuleNotifier({
    show: browserNotify,
    now: () => Date.now(),
    later: (fn, ms) => void setTimeout(fn, ms),
  })
  const highlights = new HighlightPanel((set) => {
    app.highlights = set
    app.list.invalidate(true)
  })
  const histogram = new Histogram({
    api: app.api,
    store: app.store,
    loop: app.loop,
    commands: app,
    get file() {
      return app.file
    },
    reveal: (row) => app.list.scrollToRow(row),
  })
  // An init's lines are appended in the same task as the clear before them: old lines, not new.
  let armed = true
  app.store.watcher = {
    added: (e, live) => {
      histogram.watcher.added(e, live)
      const rules = app.highlights
      if (!live || !armed || !rules.notifies || !document.hidden || app.history.active) return
      if (e.marker) return
      const plain = stripAnsi(e.text)
      const rule = rules.notifyRule(plain)
      if (rule) notifier.matched(rule, plain)
    },
    removed: (e) => histogram.watcher.removed(e),
    cleared: () => {
      histogram.watcher.cleared()
      armed = false
      queueMicrotask(() => (armed = true))
    },
  }
  return { highlights, histogram }
}
