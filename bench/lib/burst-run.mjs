/**
 * @module One burst against the real CLI (bench/burst.mjs): a fresh file and server, one fast
 * client in its own process, N lines appended at disk speed by a writer process, then what the
 * server cost (peak RSS: VmHWM, and sampled RSS), what it sent (events, the largest event) and
 * how long after the write ended the client had the last line, every line exactly once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forkChild } from './child.mjs'
import { alive, startCli, stopProc } from './cli-server.mjs'
import { maxSampler, peakRssMb, rssMb } from './proc-stats.mjs'

const CLIENT = fileURLToPath(new URL('../burst-client.mjs', import.meta.url))
export const WRITER = fileURLToPath(new URL('../burst-writer.mjs', import.meta.url))

/** How a server that exits ended: { exited: its signal or `exit CODE` } once it has. */
export function watchServer(server) {
  const state = { exited: null }
  server.proc.once('exit', (code, sig) => (state.exited = sig ?? `exit ${code}`))
  return state
}

/** The error a crashed server printed (`RangeError: Invalid string length`), else its last line. */
function crashLine(stderr) {
  const lines = stderr.trim().split('\n')
  return lines.find((l) => /^\s*(taillight: )?\w*Error\b/.test(l))?.trim() ?? lines.at(-1) ?? ''
}

export async function runBurst({ lines, lineBytes, cli, waitSeconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'tl-burst-'))
  const file = join(dir, 'burst.log')
  writeFileSync(file, 'start\n')
  let stderr = ''
  const server = await startCli(['--port', '0', file], {
    cli,
    onStderr: (t) => (stderr = (stderr + t).slice(-16_000)),
  })
  const state = watchServer(server)
  const pid = server.proc.pid
  const client = forkChild(CLIENT)
  const writer = forkChild(WRITER)
  const rss = maxSampler(pid, rssMb, 100)
  let peak = 0
  const hwm = setInterval(() => (peak = Math.max(peak, peakRssMb(pid))), 100)
  try {
    client.send({ type: 'start', mode: 'sse', url: server.url })
    if (!(await client.next('ready', 15_000))) throw new Error('the client got no init event')
    writer.send({ mode: 'burst', file, lines, lineBytes })
    const w = await writer.next('done', 600_000)
    if (!w) throw new Error('the writer did not finish in 10 min')
    client.send({ type: 'expect', total: lines })
    // Done when the client has every line, the server is gone, or the wait is over.
    const gone = new Promise((r) => server.proc.once('exit', () => setTimeout(r, 2000)))
    const limit = new Promise((r) => setTimeout(r, waitSeconds * 1000).unref())
    const done = client.next('done')
    const res =
      (await Promise.race([done, gone.then(() => null), limit.then(() => null)])) ??
      (client.send({ type: 'report' }), await done)
    const survived = alive(server.proc)
    peak = Math.max(peak, peakRssMb(pid))
    const complete = res.next === lines && res.received === lines
    return {
      lines,
      lineBytes,
      fileMB: (w.bytes + 6) / 1048576,
      writeSeconds: (w.endAt - w.startAt) / 1000,
      survived,
      exit: state.exited,
      stderr: survived ? '' : crashLine(stderr),
      peakRssMb: peak,
      sampledRssMb: rss.stop(),
      events: res.events,
      names: res.names,
      maxEventBytes: res.maxEventBytes,
      received: res.received,
      duplicates: res.duplicates,
      gaps: res.gaps,
      missing: res.missing + Math.max(0, lines - res.next),
      reconnects: res.reconnects,
      exactlyOnce: complete && res.duplicates === 0 && res.gaps === 0,
      lastLineMs: complete && res.doneAt ? res.doneAt - w.endAt : undefined,
      clientCpuSeconds: res.cpuSeconds,
      clientRssMb: res.rssMb,
    }
  } finally {
    clearInterval(hwm)
    rss.stop()
    client.send({ type: 'stop' })
    client.kill()
    writer.kill()
    await stopProc(server.proc)
    rmSync(dir, { recursive: true, force: true })
  }
}
