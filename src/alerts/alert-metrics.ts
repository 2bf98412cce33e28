/**
 * @module The alert counters of /metrics, per rule: POSTs that reached their webhook, POSTs
 * given up (retries spent, or dropped from a full queue), and matches folded into a later POST.
 */

export interface RuleCounters {
  sent: number
  failed: number
  suppressed: number
}

export class AlertMetrics {
  readonly rules = new Map<string, RuleCounters>()

  rule(name: string): RuleCounters {
    let r = this.rules.get(name)
    if (!r) this.rules.set(name, (r = { sent: 0, failed: 0, suppressed: 0 }))
    return r
  }

  /** Prometheus text format 0.0.4, appended to the server's /metrics. */
  render(): string {
    if (this.rules.size === 0) return ''
    const out: string[] = []
    const metric = (name: string, help: string, pick: (r: RuleCounters) => number) => {
      out.push(`# HELP taillight_${name} ${help}`, `# TYPE taillight_${name} counter`)
      for (const [rule, r] of this.rules)
        out.push(`taillight_${name}{rule="${label(rule)}"} ${pick(r)}`)
    }
    metric('alerts_sent_total', 'Alert POSTs a webhook accepted.', (r) => r.sent)
    metric('alerts_failed_total', 'Alert POSTs given up after retries.', (r) => r.failed)
    metric(
      'alerts_suppressed_total',
      'Matches folded into a later POST by the rate limit.',
      (r) => r.suppressed
    )
    return out.join('\n') + '\n'
  }
}

function label(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}
