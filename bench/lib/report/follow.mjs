/**
 * @module The follower and big-file sections of docs/benchmarks.md: write-to-`lines` latency native vs
 * polling, and the last 10 lines of a big file, each with its targets (issue "Follower", "Native
 * addon").
 */
import { commandBlock, failure, int, ms, runFacts, table } from './format.mjs'

export function renderFollow([r], ctx) {
  const lines = [
    '## Follower: write-to-`lines` latency, native vs polling',
    '',
    'Appends one line to a file and times until the follower (`dist/follow/follower.js`, in the',
    'same process) emits its `lines` event, then idles a random 2–20 ms; repeated for each sample,',
    'once with the native notifier (inotify through the addon) and once with forced stat polling.',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const rows = r.data.results.map((x) =>
    x.skipped
      ? [x.label, `skipped: ${x.skipped}`, '–', '–', '–', '–']
      : [
          x.label,
          x.backend + (x.reason ? ` (${x.reason})` : ''),
          int(x.samples),
          ms(x.p50, 3),
          ms(x.p99, 3),
          ms(x.max, 3),
        ]
  )
  const native = r.data.results.find((x) => x.label === 'native' && !x.skipped)
  lines.push(
    table(['follower', 'backend', 'samples', 'p50 ms', 'p99 ms', 'max ms'], rows),
    '',
    '| target (issue "Follower") | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'follower',
      'native p50 ≤ 0.2 ms',
      native ? `${ms(native.p50, 3)} ms` : 'native backend unavailable',
      native ? native.p50 <= 0.2 : undefined
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}

export function renderTail(results, ctx) {
  const lines = [
    '## Last 10 lines of a big file: time and memory',
    '',
    'Writes a log file of realistic lines (64 MiB blocks), then reads its last 10 lines 30 times',
    '(fewer with `--quick`) from a fresh descriptor each time, with the native backward reader',
    '(`pread` in the addon) and its TypeScript twin, and reports the time and the largest RSS and',
    'heap growth across one read. It is run at two sizes to show that neither time nor memory',
    'depends on the size of the file. The page cache is warm (the tail of the file was just',
    'written); `BENCH_DROP_CACHES=1` gives cold reads but drops the cache of the whole machine, so',
    'the one-command run does not use it.',
    '',
    commandBlock(results),
    '',
  ]
  const ok = results.filter((r) => r.data)
  for (const r of results.filter((x) => !x.data)) lines.push(failure(r), '')
  if (!ok.length) return lines.join('\n')
  const rows = ok.flatMap((r) =>
    r.data.runs.map((x) => [
      `${(r.data.bytes / 1024 ** 3).toFixed(2)} GiB`,
      x.label,
      int(r.data.iterations),
      ms(x.p50, 3),
      ms(x.max, 3),
      (x.rssDelta / 1024 / 1024).toFixed(2),
      (x.heapDelta / 1024 / 1024).toFixed(2),
    ])
  )
  lines.push(
    table(
      [
        'file size',
        'reader',
        'reads',
        'p50 ms',
        'max ms',
        'max RSS growth MiB',
        'max heap growth MiB',
      ],
      rows
    ),
    ''
  )
  const big = ok.at(-1)
  const small = ok[0]
  const nat = (r) => r.data.runs.find((x) => x.label === 'native')
  const gib = (r) => (r.data.bytes / 1024 ** 3).toFixed(2)
  const tenGib = big.data.bytes >= 10 * 1024 ** 3
  const sizeNote = tenGib ? '' : ` (measured at ${gib(big)} GiB, not 10 GiB: --quick)`
  // "Independent of size": the larger file grows memory by no more than 1 MiB over the smaller.
  const growth = (r) => Math.max(nat(r).rssDelta, nat(r).heapDelta)
  const independent =
    ok.length > 1 && small !== big ? growth(big) <= growth(small) + 1024 * 1024 : undefined
  lines.push(
    '| target (issue "Native addon") | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'big file',
      `last 10 lines of 10 GB < 5 ms${sizeNote}`,
      `native max ${ms(nat(big).max, 3)} ms over ${big.data.iterations} reads of ${gib(big)} GiB`,
      nat(big).max < 5
    ),
    ctx.targets.row(
      'big file',
      'memory independent of file size (growth at the larger size within 1 MiB of the smaller)',
      ok.length > 1
        ? `native: ${(growth(small) / 1048576).toFixed(2)} MiB at ${gib(small)} GiB, ` +
            `${(growth(big) / 1048576).toFixed(2)} MiB at ${gib(big)} GiB`
        : 'one size only',
      independent
    ),
    '',
    `Writing the files took ${ok.map((r) => `${r.data.writeSeconds.toFixed(1)} s (${gib(r)} GiB)`).join(', ')}. Run: ${runFacts(results)}.`
  )
  return lines.join('\n')
}
