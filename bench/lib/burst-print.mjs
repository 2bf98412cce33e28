/**
 * @module The figures of bench/burst.mjs as a console table, and its targets (issue 10) judged
 * from the saved results, the same way for the console and for docs/benchmarks.md.
 */

const f0 = (v) => (v === undefined || v === null ? '–' : Math.round(v).toLocaleString('en-US'))
const mib = (bytes) => (bytes / 1048576).toFixed(bytes >= 1048576 ? 1 : 3)
const ok = (met) => (met === undefined ? 'not measured' : met ? 'met' : 'MISSED')

export function printBursts(rows) {
  console.log(
    '\n     lines  file MB  write s  survived  peak RSS MB  sampled RSS MB  events  largest event MiB  last line ms  exactly once'
  )
  for (const r of rows) {
    if (r.error) {
      console.log(`${f0(r.lines).padStart(10)}  failed: ${r.error}`)
      continue
    }
    console.log(
      `${f0(r.lines).padStart(10)} ${r.fileMB.toFixed(0).padStart(8)} ${r.writeSeconds.toFixed(1).padStart(8)}  ` +
        `${(r.survived ? 'yes' : `no (${r.exit})`).padEnd(8)} ${r.peakRssMb.toFixed(0).padStart(12)} ` +
        `${r.sampledRssMb.toFixed(0).padStart(15)} ${f0(r.events).padStart(7)} ${mib(r.maxEventBytes).padStart(18)} ` +
        `${f0(r.lastLineMs).padStart(13)}  ${r.exactlyOnce ? 'yes' : `no: ${f0(r.received)} received, ${f0(r.missing)} missing, ${r.duplicates} dup`}`
    )
    if (!r.survived && r.stderr) console.log(`           server stderr: ${r.stderr.slice(0, 300)}`)
  }
}

export function printBrowser(b) {
  if (b.error) return console.log(`\nbrowser, ${f0(b.lines)} lines: failed: ${b.error}`)
  console.log(
    `\nbrowser, ${f0(b.lines)} lines (${b.fileMB.toFixed(0)} MB in ${b.writeSeconds.toFixed(1)} s): ` +
      `newest line on screen ${b.newestLineMs === undefined ? `not within ${b.waitSeconds} s` : `${f0(b.newestLineMs)} ms`} after the write ended; ` +
      `longest frame ${f0(b.longestFrameMs)} ms (p99 ${b.frameP99?.toFixed(1)} ms, ${b.frames} frames); ` +
      `JS heap max ${b.heapMaxMb.toFixed(0)} MB, ${b.heapAfterGcMb.toFixed(0)} MB after GC; ` +
      `skipped marker: ${b.skippedMarker ? 'yes' : 'no'}; server peak RSS ${b.serverPeakRssMb.toFixed(0)} MB` +
      (b.survived ? '' : `; server died (${b.exit})`)
  )
}

/** [{ target, measured, met, verdict }] from the results of one run. */
export function burstTargets({ bursts, browser }) {
  const t = []
  const add = (target, measured, met) => t.push({ target, measured, met, verdict: ok(met) })
  const done = bursts.filter((r) => !r.error)
  const failed = bursts.filter((r) => r.error)
  const at = (r) => `${f0(r.lines)} lines`
  if (done.length || failed.length) {
    const peak = Math.max(0, ...done.map((r) => r.peakRssMb))
    add(
      'server peak RSS ≤ 300 MB at every burst size',
      done
        .map((r) => `${r.peakRssMb.toFixed(0)} MB at ${at(r)}${r.survived ? '' : ' (died)'}`)
        .join(', ') + failed.map((r) => `; ${at(r)}: failed`).join(''),
      failed.length ? false : peak <= 300 && done.every((r) => r.survived)
    )
    add(
      'no event over 1 MiB',
      done.map((r) => `largest ${mib(r.maxEventBytes)} MiB at ${at(r)}`).join(', '),
      done.length ? done.every((r) => r.maxEventBytes <= 1048576) : undefined
    )
    add(
      'the fast client gets every line exactly once, in order, and the server survives',
      done
        .map(
          (r) =>
            `${at(r)}: ${r.exactlyOnce ? 'yes' : `${f0(r.received)} received`}${r.survived ? '' : ', server died'}`
        )
        .join('; '),
      done.length ? done.every((r) => r.exactlyOnce && r.survived) && !failed.length : undefined
    )
  }
  if (browser && !browser.error) {
    const n = `${f0(browser.lines)}-line burst`
    add(
      `${n}: the page shows the newest line within 3 s of the write ending`,
      browser.newestLineMs === undefined
        ? `not within ${browser.waitSeconds} s`
        : `${f0(browser.newestLineMs)} ms`,
      browser.newestLineMs !== undefined && browser.newestLineMs <= 3000
    )
    add(
      `${n}: no frame over 250 ms`,
      `longest ${f0(browser.longestFrameMs)} ms`,
      browser.longestFrameMs <= 250
    )
    add(
      `${n}: JS heap under 100 MB`,
      `max ${browser.heapMaxMb.toFixed(0)} MB`,
      browser.heapMaxMb < 100
    )
  } else if (browser?.error) add('viewer during a burst', `failed: ${browser.error}`, false)
  return t
}
