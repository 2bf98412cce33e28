/**
 * @module The page's side of the stream worker without a browser: a fake worker records what
 * the page asks and plays back what a worker would answer. Credit follows the page's backlog,
 * and nothing from a stopped or older stream reaches the app.
 */
import { describe, expect, it } from 'vitest'
import type { InitEvent, SkippedEvent } from '../src/core/protocol.js'

// worker-stream.ts and connection.ts are typed against the DOM and the tests against Node:
// the module is loaded untyped, and the shapes the test needs are declared here.
const modulePath = '../web/src/worker-stream.js'
const { WorkerStream } = (await import(modulePath)) as {
  WorkerStream: new (w: unknown, h: ConnHandlers, opts: unknown) => Stream & { topUp(): void }
}

interface Stream {
  readonly where: 'page' | 'worker'
  start(cursor?: string): void
  stop(): void
  reconnectNow(): void
}
interface ConnHandlers {
  init(ev: InitEvent, cursor: string | undefined): void
  update(lines: string[], cursor: string | undefined): void
  skipped(ev: SkippedEvent, cursor: string | undefined): void
  notice(type: string, data: Record<string, unknown>, id: string | undefined): void
  status(s: { state: string }): void
}
type ToWorker = { cmd: string; gen?: number; lines?: number }
type FromWorker =
  | { t: 'status'; gen: number; s: { state: string } }
  | { t: 'init'; gen: number; ev: InitEvent }
  | {
      t: 'items'
      gen: number
      lines: number
      items: (
        | { k: 'lines'; lines: string[]; cursor?: string }
        | { k: 'skipped'; range: SkippedEvent }
        | { k: 'notice'; type: string; data: Record<string, unknown>; id?: string }
      )[]
    }

function fakeWorker() {
  const sent: ToWorker[] = []
  const w = {
    onmessage: null as ((ev: { data: FromWorker }) => void) | null,
    onerror: null as ((ev: { preventDefault(): void }) => void) | null,
    postMessage: (m: ToWorker) => void sent.push(m),
  }
  return { w, sent, reply: (m: FromWorker) => w.onmessage?.({ data: m }) }
}

function recorder() {
  const got: string[] = []
  const h: ConnHandlers = {
    init: (ev) => void got.push(`init ${ev.lines.join(',')}`),
    update: (lines, cursor) => void got.push(`update ${lines.join(',')} @${cursor}`),
    skipped: (ev) => void got.push(`skipped ${ev.from}..${ev.to}`),
    notice: (type) => void got.push(`notice ${type}`),
    status: (s) => void got.push(`status ${s.state}`),
  }
  return { got, h }
}

const open = (backlog: () => number, inPage: () => Stream = () => ({}) as Stream) => {
  const f = fakeWorker()
  const r = recorder()
  const opts = { base: 'http://127.0.0.1/', token: null, cap: 1000, backlog, inPage }
  const s = new WorkerStream(f.w, r.h, opts)
  return { ...f, ...r, s }
}

describe('WorkerStream', () => {
  it('opens, starts with credit for its window, and hands events to the handlers in order', () => {
    const t = open(() => 0)
    t.s.start('c0')
    expect(t.sent.map((m) => m.cmd)).toEqual(['open', 'start', 'pull'])
    const gen = (t.sent[1] as { gen: number }).gen
    t.reply({ t: 'status', gen, s: { state: 'live' } })
    t.reply({
      t: 'items',
      gen,
      lines: 2,
      items: [
        { k: 'lines', lines: ['a', 'b'], cursor: 'c2' },
        { k: 'skipped', range: { from: 'c2', to: 'c9', bytes: 70 } },
        { k: 'notice', type: 'rotate', data: {}, id: 'c10' },
      ],
    })
    expect(t.got).toEqual(['status live', 'update a,b @c2', 'skipped c2..c9', 'notice rotate'])
  })

  it('ignores what a stopped or older stream still sends', () => {
    const t = open(() => 0)
    t.s.start()
    const old = (t.sent[1] as { gen: number }).gen
    t.s.stop()
    t.reply({ t: 'items', gen: old, lines: 1, items: [{ k: 'lines', lines: ['late'] }] })
    t.reply({ t: 'init', gen: old, ev: { file: '0', lines: ['x'], first: 'c' } })
    expect(t.got).toEqual([])
    const stop = t.sent.at(-1) as { cmd: string; gen: number }
    expect(stop.cmd).toBe('stop')
    t.reply({ t: 'status', gen: stop.gen, s: { state: 'stopped' } })
    expect(t.got).toEqual(['status stopped'])
  })

  it('grants credit only while the page has room, and tops up as it applies', () => {
    let backlog = 0
    const t = open(() => backlog)
    t.s.start()
    const gen = (t.sent[1] as { gen: number }).gen
    const pulls = () =>
      t.sent.filter((m) => m.cmd === 'pull').map((m) => (m as { lines: number }).lines)
    expect(pulls()).toEqual([20_000])
    backlog = 19_000
    t.reply({ t: 'items', gen, lines: 19_000, items: [{ k: 'lines', lines: ['x'] }] })
    // 19,000 unapplied lines: no room for more yet.
    expect(pulls()).toEqual([20_000])
    backlog = 2_000
    t.s.topUp()
    expect(pulls()).toEqual([20_000, 17_000])
  })

  it('carries on in the page when the worker fails before it said anything', () => {
    const calls: string[] = []
    const inPage = (): Stream => ({
      where: 'page',
      start: (c) => void calls.push(`start ${c}`),
      stop: () => void calls.push('stop'),
      reconnectNow: () => void calls.push('reconnect'),
    })
    const t = open(() => 0, inPage)
    t.s.start('c5')
    expect(t.s.where).toBe('worker')
    t.w.onerror?.({ preventDefault: () => undefined })
    expect(t.s.where).toBe('page')
    expect(calls).toEqual(['start c5'])
    t.s.stop()
    expect(calls).toEqual(['start c5', 'stop'])
  })
})
