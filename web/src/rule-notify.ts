/**
 * @module Desktop notifications for highlight rules that ask for one: a new line matching such a
 * rule while the tab is hidden. A burst of matches must not open a thousand notifications, so
 * at most one is shown per window; matches inside the window are counted and summed up in one
 * notification when it ends. Clock, timer and the Notification API are passed in (unit tests).
 */
import type { HighlightRule } from './highlight-rules.js'

export const NOTIFY_WINDOW_MS = 10_000

export interface NotifyDeps {
  show(title: string, body: string): void
  now(): number
  later(fn: () => void, ms: number): void
}

export class RuleNotifier {
  private last = -Infinity
  private held = 0
  private heldRule: HighlightRule | undefined
  private timer = false

  constructor(private readonly deps: NotifyDeps) {}

  /** A new line matched `rule` while hidden. */
  matched(rule: HighlightRule, line: string): void {
    const now = this.deps.now()
    if (now - this.last >= NOTIFY_WINDOW_MS && !this.timer) {
      this.last = now
      this.deps.show(`taillight: ${rule.text}`, line.length > 200 ? `${line.slice(0, 200)}…` : line)
      return
    }
    this.held++
    this.heldRule ??= rule
    if (this.timer) return
    this.timer = true
    this.deps.later(() => this.flush(), Math.max(0, this.last + NOTIFY_WINDOW_MS - now))
  }

  private flush(): void {
    this.timer = false
    if (this.held === 0) return
    const n = this.held
    const rule = this.heldRule as HighlightRule
    this.held = 0
    this.heldRule = undefined
    this.last = this.deps.now()
    this.deps.show(`taillight: ${rule.text}`, `${n} more matching line${n === 1 ? '' : 's'}`)
  }
}

/** The part of the Notification API used here (unit tests type-check without the DOM lib). */
export interface NotificationApi {
  readonly permission: string
  requestPermission(): Promise<string>
  new (title: string, options: { body: string; tag: string }): unknown
}

/** Shows a notification through the browser's API, when present and allowed. */
export function browserNotify(title: string, body: string): void {
  const N = (globalThis as { Notification?: NotificationApi }).Notification
  if (!N || N.permission !== 'granted') return
  new N(title, { body, tag: 'taillight-rule' })
}
