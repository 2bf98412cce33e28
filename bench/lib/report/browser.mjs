/**
 * @module The viewer section of docs/benchmarks.md: headless Chromium at 10,000 lines/s and the
 * first paint, with the targets of issue "The viewer".
 */
import { commandBlock, failure, int, ms, runFacts, table } from './format.mjs'

export function renderBrowser([r, paint], ctx) {
  const lines = [
    '## Viewer: headless Chromium at 10,000 lines/s',
    '',
    'The real server follows a file while a writer appends 10,000 lines/s (in 10 ms ticks) and the',
    'page is open in headless Chromium (`/usr/bin/chromium`, software rendering, 1280×800). A',
    '`requestAnimationFrame` probe in the page records every frame interval; at the end the',
    'benchmark reads the JS heap (before and after a forced GC), the DOM size, and how long after',
    'the writer stopped the newest line was on screen.',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const d = r.data
  const fps = d.frames / d.writeSeconds
  lines.push(
    table(
      [
        'lines written',
        'rate',
        'frames',
        'frame p50 ms',
        'frame p99 ms',
        'longest frame ms',
        'JS heap MB (after GC)',
        'row elements',
        'DOM elements',
        'newest line on screen',
      ],
      [
        [
          int(d.total),
          `${int(Math.round(d.total / d.writeSeconds))}/s`,
          `${d.frames} (${fps.toFixed(0)} fps)`,
          ms(d.p50, 1),
          ms(d.p99, 1),
          ms(d.max, 1),
          `${d.heapMB.toFixed(1)} (${d.afterGc.toFixed(1)})`,
          int(d.rows),
          int(d.domNodes),
          `${int(d.lagMs)} ms after the writer stopped`,
        ],
      ]
    ),
    '',
    'Issue "The viewer" states its targets in words; the thresholds here are this document’s',
    'reading of them.',
    '',
    '| target (issue "The viewer") | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'viewer',
      'frames keep coming at 10,000 lines/s (≥ 30 fps, no frame longer than 1 s)',
      `${fps.toFixed(0)} fps, frame p99 ${ms(d.p99, 1)} ms, longest ${ms(d.max, 1)} ms`,
      fps >= 30 && d.max < 1000
    ),
    ctx.targets.row(
      'viewer',
      'memory stays bounded (heap after GC < 100 MB, rows ≈ the visible ones, lines held ≤ cap)',
      `${d.afterGc.toFixed(1)} MB after GC, ${int(d.rows)} rows, ${int(d.stored)} lines held (cap ${int(d.cap)})`,
      d.afterGc < 100 && d.rows < 200 && d.stored <= d.cap + 1
    ),
    ctx.targets.row('viewer', 'the newest line is on screen', `after ${int(d.lagMs)} ms`, true),
    '',
    `Run: ${runFacts([r])}.`
  )
  if (paint) lines.push('', firstPaint(paint, ctx))
  return lines.join('\n')
}

/** Navigation to the first line painted, over fresh loads (bench/first-paint.mjs). */
function firstPaint(r, ctx) {
  const lines = [
    '### First paint',
    '',
    'Navigation to the first log line painted, over fresh loads in headless Chromium (a new',
    'context each, so no HTTP cache), the real server following a 5,000-line file. The page',
    'carries its first screen (its seed), so the first rows need no request of their own.',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const d = r.data
  const fcp = d.runs.map((x) => x.fcp).filter((v) => v !== undefined)
  fcp.sort((a, b) => a - b)
  lines.push(
    table(
      ['loads', 'p50 ms', 'p90 ms', 'max ms', 'first contentful paint p50 ms'],
      [
        [
          int(d.loads),
          int(d.p50),
          int(d.p90),
          int(d.max),
          fcp.length ? int(fcp[fcp.length >> 1]) : '–',
        ],
      ]
    ),
    '',
    '| target (issue "The viewer") | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'viewer',
      'the first lines are on screen within 300 ms of navigation (p50)',
      `p50 ${int(d.p50)} ms, p90 ${int(d.p90)} ms`,
      d.p50 <= 300
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}
