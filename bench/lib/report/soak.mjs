/**
 * @module The soak section of docs/benchmarks.md: the verdict and figures of bench/soak.mjs, taken from
 * its output.
 */
import { commandBlock, failure, runFacts } from './format.mjs'

export function renderSoak([r], ctx) {
  const lines = ['## Soak: rotations, reconnects, stalls and kill -9 restarts', '']
  if (!r) {
    lines.push(
      ctx.quick
        ? 'Not run with `--quick`. The full run runs `node bench/soak.mjs --minutes 1`.'
        : '`bench/soak.mjs` does not exist yet in this checkout.'
    )
    return lines.join('\n')
  }
  const verdictLine = r.out.split('\n').find((l) => /^SOAK (PASS|FAIL)/.test(l))
  const text = r.out.trim().split('\n')
  const figures = text.slice(
    Math.max(
      0,
      text.findIndex((l) => /^lines written/.test(l))
    )
  )
  lines.push(
    'A shortened run of the soak test (10 minutes by default): 1,000 lines/s into a file that',
    'rotates ten times (rename, copytruncate, delete/recreate in turn), 1,000 SSE clients of which',
    'a tenth disconnect and resume and a few stall, and the server killed with SIGKILL and',
    'restarted twice. See the header of `bench/soak.mjs`.',
    '',
    commandBlock([r]),
    '',
    `The soak test proper is \`node bench/soak.mjs\` (10 minutes); this is its ${ctx.P.soakMinutes}-minute`,
    'variant, with every phase (rotations, kills, the RSS checkpoints) scaled down with it.',
    '',
    verdictLine ? `Verdict: \`${verdictLine}\`` : failure(r),
    '',
    '```text',
    ...(figures.length > 1 ? figures : text.slice(-20))
      .slice(0, 30)
      .map((l) => (l.length > 240 ? `${l.slice(0, 240)} …` : l)),
    '```',
    '',
    `Run: ${runFacts([r])}.`
  )
  ctx.targets.add(
    'soak',
    'every client gets every line exactly once, in order; RSS at 90% within 10% of 20%',
    verdictLine ?? 'no verdict',
    verdictLine ? verdictLine.startsWith('SOAK PASS') : false
  )
  return lines.join('\n')
}
