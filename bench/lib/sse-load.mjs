/**
 * @module The load process of the fan-out benchmarks (server-latency.mjs, redis-latency.mjs):
 * it holds every client. The PROBES clients that connect last (the server writes to them last
 * in each flush) parse every `L<k>@<time>` line: latency and order. Every other client hashes
 * the bytes it receives after its init event; all clients get the same payloads, so equal
 * hashes and lengths prove every client got every line in order, at a fraction of the parsing
 * cost on a shared box. Clients whose transport hands over parsed lines (socket.io) cannot be
 * hashed: they are all probes (`lineClient`).
 *
 * Messages from the parent: start {url, clients, server, ...}, measure, expect {total}, report;
 * to the parent: ready, done {verified, inOrder, p50, p99, max, loadCpu, probes}.
 */
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { now } from './clock.mjs'
import { dechunker, sseRequest } from './http-body.mjs'
import { Histogram } from './percentiles.mjs'

const PROBES = 100

/** One SSE client on a raw socket: GET /events?lines=0, body bytes to hooks.onData. */
export function sseClient(m, st, hooks) {
  const u = new URL(m.url)
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
      s.write(sseRequest(u.host, '/events?lines=0'))
      resolve()
    })
    s.on(
      'data',
      dechunker((d) => hooks.onData(st, d))
    )
    s.on('error', reject)
  })
}

/**
 * Runs the load process. `transports[m.server]` makes a client (default sseClient): (m, st,
 * hooks) → Promise once connected. `lineClients`: servers whose clients are all probes.
 */
export function runLoadProcess(transports = {}, lineClients = []) {
  const hist = new Histogram(10, 10_000) // 0.1 ms buckets up to 10 s
  let delivered = 0
  let outOfOrder = 0
  let expected = 0
  let readyCount = 0
  let reported = false
  const states = []
  const marker = /L(\d+)@(\d+\.\d+)/g
  const parse = (st, text, t) => {
    const s = st.carry + text
    const cut = s.lastIndexOf('\n') + 1
    st.carry = s.slice(cut)
    const body = s.slice(0, cut)
    marker.lastIndex = 0
    for (let m; (m = marker.exec(body));) {
      const seq = Number(m[1])
      if (seq !== st.next) outOfOrder++
      st.next = seq + 1
      delivered++
      hist.add(t - Number(m[2]))
    }
  }
  const ready = (st) => {
    st.ready = true
    if (++readyCount === states.length) process.send({ type: 'ready' })
  }
  const onData = (st, buf) => {
    if (reported) return // the hashes are final: what comes after the report is not counted
    const t = now()
    if (!st.ready) {
      st.pre = st.pre ? Buffer.concat([st.pre, buf]) : buf
      const i = st.pre.indexOf('event: init')
      const end = i < 0 ? -1 : st.pre.indexOf('\n\n', i)
      if (end < 0) return
      buf = st.pre.subarray(end + 2)
      st.pre = null
      ready(st)
    }
    st.hash.update(buf)
    st.bytes += buf.length
    if (st.probe) parse(st, buf.toString('latin1'), t)
    maybeDone()
  }
  // One message per line (WebSocket): the first is the client's sign that it follows; every
  // later one is hashed with its boundary.
  const onMessage = (st, payload, t) => {
    if (reported) return
    if (!st.ready) return ready(st)
    st.hash.update(payload)
    st.hash.update('\n')
    st.bytes += payload.length + 1
    if (st.probe) parse(st, `${payload.toString('latin1')}\n`, t)
    maybeDone()
  }
  const hooks = { parse, ready, onData, onMessage }
  const probes = () => states.filter((s) => s.probe)
  const maybeDone = () => {
    if (!expected || reported) return
    const ps = probes()
    if (!ps.every((p) => p.next >= expected)) return
    // Several server processes (--workers) frame the same lines into events differently.
    const ref = Math.min(...ps.map((p) => p.bytes))
    if (ps[0].lines || states.every((s) => s.bytes >= ref)) report()
  }
  const report = () => {
    if (reported) return
    reported = true
    const ps = probes()
    let verified = ps.filter((p) => p.next === expected).length
    if (!ps[0].lines) {
      // A client is verified when its bytes equal those of a probe that got every line in
      // order: one such stream per server process, each proven by the probes it served.
      const key = (s) => (s.key ??= `${s.bytes}:${s.hash.digest('hex')}`)
      const good = new Set(ps.filter((p) => p.next === expected).map(key))
      verified = states.filter((s) => good.has(key(s))).length
    }
    const cpu = process.cpuUsage(cpu0)
    process.send({
      type: 'done',
      loadCpu: ((cpu.user + cpu.system) / 1e3 / (now() - t0)) * 100,
      probes: ps.length,
      verified,
      inOrder: outOfOrder === 0 && ps.every((p) => p.next === expected),
      p50: hist.pct(0.5),
      p99: hist.pct(0.99),
      max: delivered ? hist.max : undefined,
    })
  }
  let cpu0 = process.cpuUsage()
  let t0 = now()
  process.on('message', async (m) => {
    if (m.type === 'measure') {
      cpu0 = process.cpuUsage()
      t0 = now()
    } else if (m.type === 'expect') {
      expected = m.total
      maybeDone()
    } else if (m.type === 'report') report()
    else if (m.type === 'start') {
      const lines = lineClients.includes(m.server)
      const make = transports[m.server] ?? sseClient
      for (let i = 0; i < m.clients; i += 250) {
        const batch = []
        for (let j = i; j < Math.min(m.clients, i + 250); j++) {
          const probe = lines || j >= m.clients - PROBES
          const st = { probe, lines, next: 0, carry: '', ready: false, pre: null, bytes: 0 }
          st.hash = createHash('sha1')
          states.push(st)
          batch.push(make(m, st, hooks))
        }
        await Promise.all(batch)
      }
    }
  })
}
