/**
 * @module Alerts on followed files: each source's live `lines` are tested against the rules
 * that apply to it, and a match goes through its rule's rate limit to the webhook sender.
 *
 * The listener returns nothing, so the follower never waits for an alert: matching is a few
 * RE2 tests per line on the reading path, and everything slower (the POST, its retries) runs
 * on its own. Work per batch is bounded by lines × rules; what is held per rule is one line.
 */
import type { LogSource } from '../core/log-source.js'
import type { FollowEvent } from '../core/types.js'
import { AlertMetrics } from './alert-metrics.js'
import { alertPayload } from './payload.js'
import { RateLimiter } from './rate-limit.js'
import { compileRule, type AlertRule, type AlertSpec } from './rule.js'
import { WebhookSender, type SenderOptions } from './webhook-sender.js'

export interface AlertsOptions {
  /** The page's address as users reach it; alerts then carry the line's permalink. */
  publicUrl?: string
  sender?: Omit<SenderOptions, 'onResult'>
  log?: (line: string) => void
  now?: () => number
  /**
   * True while another process alerts for this source: a standby watcher's file (its leader
   * does), so each line of a file followed by several watchers is alerted on once.
   */
  quiet?: (source: LogSource) => boolean
}

/** A match as held by the rate limit: the payload is built only for the matches sent. */
interface Match {
  file: string
  text: string
  cursor: string
  back: number
}

interface Active {
  rule: AlertRule
  limiter: RateLimiter<Match>
}

export class Alerts {
  readonly metrics = new AlertMetrics()
  #active: Active[] = []
  readonly #sender: WebhookSender
  readonly #seen = new WeakSet<LogSource>()

  constructor(
    specs: readonly AlertSpec[],
    private readonly o: AlertsOptions = {}
  ) {
    this.#sender = new WebhookSender({
      ...o.sender,
      onResult: (rule, ok, why) => {
        const r = this.metrics.rule(rule)
        if (ok) r.sent++
        else {
          r.failed++
          o.log?.(`alert ${rule} not delivered: ${why ?? 'failed'}`)
        }
      },
    })
    this.setRules(specs)
  }

  get size(): number {
    return this.#active.length
  }

  /** Rules from a (re)loaded config; a rule kept by name keeps its rate-limit window. */
  setRules(specs: readonly AlertSpec[]): void {
    const old = new Map(this.#active.map((a) => [a.rule.name, a]))
    this.#active = specs.map((spec) => {
      const rule = compileRule(spec)
      const kept = old.get(spec.name)
      old.delete(spec.name)
      this.metrics.rule(spec.name)
      if (kept) {
        kept.limiter.setEvery(spec.every * 1000)
        return { rule, limiter: kept.limiter }
      }
      return { rule, limiter: this.#limiter(rule.name, spec.every) }
    })
    for (const gone of old.values()) gone.limiter.close()
  }

  /** Tests the source's live lines from now on; a source is watched once however often given. */
  watch(source: LogSource): void {
    if (this.#seen.has(source)) return
    this.#seen.add(source)
    source.subscribe((e) => {
      if (e.type === 'lines' && this.#active.length > 0 && !this.o.quiet?.(source)) {
        this.#lines(source, e)
      }
    })
  }

  close(): void {
    for (const a of this.#active) a.limiter.close()
    this.#active = []
    this.#sender.close()
  }

  #lines(source: LogSource, e: Extract<FollowEvent, { type: 'lines' }>): void {
    const rules = this.#active.filter((a) => a.rule.appliesTo(source))
    if (rules.length === 0) return
    // `back` counts the whole lines after this one in the batch, as the page's permalinks do.
    let after = 0
    for (const l of e.lines) if (!l.cont) after++
    let lineMatched = new Set<Active>()
    for (const line of e.lines) {
      if (!line.cont) after--
      for (const a of rules) {
        if (lineMatched.has(a) || !a.rule.test(line.text)) continue
        lineMatched.add(a)
        a.limiter.offer({ file: source.id, text: line.text, cursor: e.cursor, back: after })
      }
      if (!line.cont && lineMatched.size > 0) lineMatched = new Set()
    }
  }

  #limiter(name: string, every: number): RateLimiter<Match> {
    const spec = () => this.#active.find((a) => a.rule.name === name)?.rule
    return new RateLimiter<Match>(
      every * 1000,
      ({ payload: m, suppressed }) => {
        const rule = spec()
        if (!rule) return
        const p = alertPayload(name, m.file, m.text, m.cursor, m.back, this.o.publicUrl)
        this.#sender.send(name, rule.webhook, { ...p, suppressed })
      },
      () => this.metrics.rule(name).suppressed++,
      {
        now: this.o.now ?? Date.now,
        later: (fn, ms) => {
          const t = setTimeout(fn, ms)
          ;(t as { unref?: () => void }).unref?.()
          return () => clearTimeout(t)
        },
      }
    )
  }
}
