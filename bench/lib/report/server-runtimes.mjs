/**
 * @module The fan-out section's sub-table of docs/benchmarks.md: taillight on Bun and Deno beside
 * Node (from the main fan-out run), same load and method.
 */
import { failure, int, mb, ms, table } from './format.mjs'

/** Markdown lines: `rows` are the main run's rows, `runtimes` the bun,deno step's result. */
export function renderRuntimes(rows, runtimes) {
  const lines = []
  lines.push('### The same server on Bun and Deno', '')
  if (!runtimes.data) lines.push(failure(runtimes), '')
  else {
    const all = [...rows.filter((r) => r.server === 'taillight/node'), ...runtimes.data.rows]
    const rc = [...new Set(runtimes.data.rows.map((r) => r.clients))]
    lines.push(
      'taillight under each runtime (Node from the run above), same load and method:',
      '',
      table(
        [
          'runtime',
          'clients',
          'complete, in order',
          'p50 ms',
          'p99 ms',
          'max ms',
          'CPU %',
          'RSS MB',
        ],
        all
          .filter((r) => rc.includes(r.clients))
          .sort((a, b) => a.clients - b.clients)
          .map((r) =>
            r.error
              ? [r.server, int(r.clients), `failed: ${r.error}`, '–', '–', '–', '–', '–']
              : [
                  r.server.replace('taillight/', ''),
                  int(r.clients),
                  `${int(r.verified)} of ${int(r.clients)}` +
                    (!r.inOrder
                      ? ', **no**'
                      : r.verified < r.clients && r.server.endsWith('deno')
                        ? ' by byte hash; all probes complete (see below)'
                        : r.verified < r.clients
                          ? ', **incomplete**'
                          : ''),
                  ms(r.p50),
                  ms(r.p99),
                  ms(r.max),
                  r.cpu.toFixed(0),
                  mb(r.rss),
                ]
          )
      ),
      ''
    )
  }
  return lines
}
