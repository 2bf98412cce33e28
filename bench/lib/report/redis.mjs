/**
 * @module The Redis section of docs/benchmarks.md: latency added by the Redis hop and an edge's fan-out,
 * with the targets of issue "Scale out".
 */
import { commandBlock, failure, int, mb, ms, runFacts, table } from './format.mjs'

export function renderRedis([r], ctx) {
  const lines = [
    '## Scale-out: the Redis hop and an edge’s fan-out',
    '',
    'Same method as the fan-out benchmark (100 lines/s, every line timed from just before the',
    `write, ${ctx.P.redisSeconds} s per run), over two paths: **direct**, clients on the watcher's own`,
    'HTTP; **via edge**, watcher → `XADD` → Redis → `XREAD` → edge → clients. Its own',
    '`redis-server` on a free port, no persistence. CPU and RSS are those of the process serving',
    'the clients (the watcher for direct, the edge via Redis).',
    '',
    commandBlock([r]),
    '',
  ]
  if (!r.data) return [...lines, failure(r)].join('\n')
  const rows = r.data.rows
  lines.push(
    `${r.data.redis.split(' ').slice(0, 3).join(' ')}.`,
    '',
    table(
      ['path', 'clients', 'complete, in order', 'p50 ms', 'p99 ms', 'max ms', 'CPU %', 'RSS MB'],
      rows.map((x) => [
        x.via === 'edge' ? 'via Redis edge' : 'direct',
        int(x.clients),
        `${int(x.verified)} of ${int(x.clients)}${x.inOrder ? '' : ', **no**'}`,
        ms(x.p50),
        ms(x.p99),
        ms(x.max),
        x.cpu.toFixed(0),
        mb(x.rss),
      ])
    ),
    ''
  )
  const one = (via) => rows.find((x) => x.via === via && x.clients === 1)
  const big = Math.max(...rows.map((x) => x.clients))
  const edgeBig = rows.find((x) => x.via === 'edge' && x.clients === big)
  lines.push(
    '| what issue "Scale out" asks for | this run | |',
    '| --- | --- | --- |',
    ctx.targets.row(
      'redis',
      'latency added by the Redis hop (no numeric target)',
      one('direct') && one('edge')
        ? `${ms(one('edge').p50 - one('direct').p50)} ms at p50, ${ms(one('edge').p99 - one('direct').p99)} ms at p99 (1 client)`
        : 'not run',
      one('direct') && one('edge') ? 'reported' : undefined
    ),
    ctx.targets.row(
      'redis',
      `edge fan-out at 10,000 clients: every line to every client, in order${big < 10000 ? ` (measured at ${int(big)}: --quick)` : ''}`,
      edgeBig
        ? `${int(edgeBig.verified)} of ${int(edgeBig.clients)}, p99 ${ms(edgeBig.p99)} ms`
        : 'not run',
      edgeBig ? edgeBig.verified === edgeBig.clients && edgeBig.inOrder : undefined
    ),
    '',
    `Run: ${runFacts([r])}.`
  )
  return lines.join('\n')
}
