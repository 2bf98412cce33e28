/**
 * @module Markdown pieces of docs/benchmarks.md (bench/run-all.mjs): number formats, tables,
 * the command block and failure note of a step, and the list of targets every section adds
 * its verdicts to (the summary table at the top of the document).
 */

export const verdict = (met) =>
  typeof met === 'string' ? met : met === undefined ? 'not measured' : met ? 'met' : '**missed**'

/** Collects { bench, target, measured, met }; row() is the section's own table row. */
export class Targets {
  constructor() {
    this.list = []
  }

  row(bench, text, measured, met) {
    this.list.push({ bench, target: text, measured, met })
    return `| ${text} | ${measured} | ${verdict(met)} |`
  }

  add(bench, text, measured, met) {
    this.list.push({ bench, target: text, measured, met })
  }
}

export const ms = (v, digits = 2) =>
  v === undefined || v === null || Number.isNaN(v)
    ? '–'
    : v >= 1000
      ? `${Math.round(v).toLocaleString('en-US')}`
      : v.toFixed(v >= 100 ? 0 : digits)
export const int = (n) => Number(n).toLocaleString('en-US')
export const mb = (v) => (v === undefined ? '–' : v.toFixed(0))
export const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`]
    .concat(rows.map((r) => `| ${r.join(' | ')} |`))
    .join('\n')

export function commandBlock(results) {
  return ['```sh', ...results.map((r) => r.command.replace(/ --json \S+/, '')), '```'].join('\n')
}

/** A failed, timed-out or skipped step, with the end of its output. */
export function failure(r) {
  const why = r.timedOut
    ? `timed out after ${r.seconds.toFixed(0)} s`
    : r.code !== 0
      ? `exited with ${r.code}`
      : 'wrote no results'
  const tail = r.out.trim().split('\n').slice(-12).join('\n')
  return `**This run failed: ${why}.** The end of its output:\n\n\`\`\`text\n${tail}\n\`\`\``
}

export const runFacts = (results) =>
  results
    .map(
      (r) =>
        `${r.id} ${r.seconds.toFixed(0)} s, ` +
        `load average ${r.load[0].toFixed(2)} before, ${r.load[1].toFixed(2)} after`
    )
    .join('; ')
