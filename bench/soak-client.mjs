/**
 * @module The load process of bench/soak.mjs (forked by it; not meant to be run by hand): holds every SSE
 * client over raw node:net sockets and checks, for each client, that it gets every line exactly
 * once and in order across its reconnections.
 *
 * Each client behaves like a browser's EventSource: HTTP/1.1 with chunked bodies, an event counts
 * only once its blank line has arrived (a stream cut mid-event loses that event, as in a browser),
 * `id:` becomes the Last-Event-ID sent on reconnection, and a stream that ends for any reason
 * (server killed, `dropped`, our own random disconnects) is retried after the `retry:` the
 * server sent. Lines carry `seq=N`; the checker only parses those numbers (and the timestamp of
 * the first line of each event, for latency), so 1,000 clients at 1,000 lines/s stay cheap.
 *
 * Messages from the parent: start, go, url, status, stop; to the parent: ready, status, result.
 */
import { connect } from 'node:net'
import { dechunker } from './lib/http-body.mjs'
import { Histogram } from './lib/percentiles.mjs'

const EVENT = Buffer.from('event: ')
const SEQ = Buffer.from('seq=')
const ID = Buffer.from('\nid: ')
const BLANK = Buffer.from('\n\n')
/** Characters between the start of a line and its `seq=`: ISO time (24), space, level (5), space. */
const TS_BEFORE_SEQ = 31
const DEFAULT_RETRY_MS = 3000
const TRAIL = 12

let url = null
let total = 0
let stopping = false
const clients = []
const hist = new Histogram(1, 60_000) // live latency, 1 ms buckets up to 60 s
let anyMax = 0
let readySent = false
let goAt = 0
const timers = new Set()

function later(ms, fn) {
  const t = setTimeout(() => {
    timers.delete(t)
    fn()
  }, ms)
  timers.add(t)
}

function newClient(i, kind) {
  return {
    i,
    kind, // 'steady' | 'reconnect' | 'stall'
    sock: null,
    conn: 0, // connections made
    at: 0, // arrival time of the bytes being read
    pending: null, // bytes of an unfinished event
    retry: DEFAULT_RETRY_MS,
    lastId: '',
    respAt: 0,
    connected: false,
    live: false,
    /** Was live when its last stream ended: its Last-Event-ID is one the server's memory has. */
    wasLive: true,
    ready: false,
    stalled: false,
    restall: false,
    // checker
    first: -1,
    max: -1,
    count: 0,
    bits: null,
    dups: 0,
    late: 0,
    resets: 0,
    dropped: 0,
    closedWhileStalled: 0,
    reconnects: 0,
    voluntary: 0,
    errors: 0,
    anomaly: null,
    trail: [],
  }
}

// ---------------------------------------------------------------------------------------------
// Connection

function open(st) {
  if (stopping) return
  const u = new URL(url)
  st.conn++
  st.pending = null
  st.connected = false
  st.live = false
  const s = connect({ host: u.hostname, port: Number(u.port) })
  st.sock = s
  if (st.stalled) s.pause()
  s.on('connect', () => {
    const last = st.lastId ? `Last-Event-ID: ${st.lastId}\r\n` : ''
    s.write(
      `GET /events?lines=0 HTTP/1.1\r\nHost: ${u.host}\r\nAccept: text/event-stream\r\n` +
        `Cache-Control: no-cache\r\n${last}\r\n`
    )
  })
  s.on('data', decoder(st, s))
  s.on('error', () => {})
  s.on('close', () => {
    if (st.sock !== s) return
    st.sock = null
    st.wasLive = st.live
    st.connected = false
    st.live = false
    if (st.stalled && !st.restall) st.closedWhileStalled++
    if (stopping) return
    st.reconnects++
    if (st.restall) {
      st.restall = false
      return open(st)
    }
    // EventSource: wait `retry` ms, then reconnect with the last id (unless a stall already did).
    later(st.retry, () => st.sock || open(st))
  })
}

/** Ends the stream now (the peer vanished, a laptop lid closed) and reconnects after `retry`. */
function disconnect(st) {
  if (!st.sock) return
  st.voluntary++
  st.sock.destroy()
}

/** A stream's bytes: the head checked, the chunk framing stripped (lib/http-body.mjs). */
function decoder(st, s) {
  const decode = dechunker((d) => st.connected && body(st, d, st.at), {
    onHead: (head) => {
      if (!/^HTTP\/1\.[01] 200/.test(head)) {
        st.errors++
        note(st, `http ${head.split('\r\n')[0]}`)
        s.destroy()
        return
      }
      st.connected = true
      st.respAt = st.at
    },
    // The server ended the stream (after `dropped`, or shutting down): reconnect.
    onEnd: () => s.destroy(),
  })
  return (buf) => {
    if (st.sock !== s) return
    st.at = Date.now()
    decode(buf)
  }
}

/** Body bytes: only complete events (up to the last blank line) are dispatched. */
function body(st, buf, t) {
  if (st.pending === null && buf.length >= 2 && buf[buf.length - 1] === 10) {
    if (buf[buf.length - 2] === 10) return events(st, buf, t)
  }
  const all = st.pending ? Buffer.concat([st.pending, buf]) : Buffer.from(buf)
  const k = all.lastIndexOf(BLANK)
  if (k < 0) {
    st.pending = all
    return
  }
  st.pending = k + 2 < all.length ? all.subarray(k + 2) : null
  events(st, all.subarray(0, k + 2), t)
}

function events(st, r, t) {
  if (r[0] === 0x72 /* r */ && r.toString('latin1', 0, 7) === 'retry: ') {
    st.retry = parseInt(r.toString('latin1', 7, 16), 10) || DEFAULT_RETRY_MS
  }
  let p = r.indexOf(EVENT)
  while (p >= 0) {
    const q = r.indexOf(EVENT, p + 7)
    const end = q < 0 ? r.length : q
    const c = r[p + 7]
    const c2 = r[p + 8]
    if (c === 0x75 /* update */) seqs(st, r, p, end, t)
    else if (c === 0x69 /* init */) {
      if (!st.ready) {
        st.ready = true
        readyCheck()
      }
      note(st, 'init')
      seqs(st, r, p, end, t)
    } else if (c === 0x72 && c2 === 0x65 /* reset */) {
      st.resets++
      const reason = /"reason":"(\w+)"/.exec(r.toString('latin1', p, end))?.[1]
      note(st, `reset:${reason}`)
      if (!st.anomaly) st.anomaly = { kind: 'reset', reason, at: t - goAt, trail: [...st.trail] }
    } else if (c === 0x72 /* rotate */) note(st, 'rotate')
    else if (c === 0x74 /* truncate */) note(st, 'truncate')
    else if (c === 0x64 /* dropped */) {
      st.dropped++
      note(st, 'dropped')
    } else if (c === 0x65 /* error */) {
      st.errors++
      note(st, 'error')
    }
    p = q
  }
  const k = r.lastIndexOf(ID)
  if (k >= 0) st.lastId = r.toString('latin1', k + 5, r.indexOf(10, k + 5))
}

function note(st, what) {
  if (st.trail.length >= TRAIL) st.trail.shift()
  st.trail.push(`${what}@${st.max}`)
}

/** Every `seq=N` of one event, in order. */
function seqs(st, r, from, to, t) {
  let p = r.indexOf(SEQ, from)
  let firstSeq = -1
  let lastSeq = -1
  while (p >= 0 && p < to) {
    let v = 0
    let j = p + 4
    for (; j < to; j++) {
      const d = r[j] - 48
      if (d < 0 || d > 9) break
      v = v * 10 + d
    }
    if (firstSeq < 0) {
      firstSeq = v
      latency(st, r, p, t)
    }
    lastSeq = v
    record(st, v)
    p = r.indexOf(SEQ, j)
  }
  if (firstSeq >= 0) {
    if (st.trail.length >= TRAIL) st.trail.shift()
    st.trail.push(`u${firstSeq}-${lastSeq}`)
  }
}

function latency(st, r, p, t) {
  if (p < TS_BEFORE_SEQ) return
  const ts = Date.parse(r.toString('latin1', p - TS_BEFORE_SEQ, p - TS_BEFORE_SEQ + 24))
  if (Number.isNaN(ts)) return
  const ms = Math.max(0, t - ts)
  if (ms > anyMax) anyMax = ms
  if (!st.live) {
    // Live once it gets a line written after its response started: catch-up is over (the
    // server hands a resuming client over to the live stream in the tick it starts the response).
    if (ts > st.respAt + 1) st.live = true
    return
  }
  hist.add(ms)
}

function record(st, v) {
  st.count++
  if (st.bits === null) {
    if (st.first < 0) {
      st.first = v
      st.max = v
      return
    }
    if (v === st.max + 1) {
      st.max = v
      return
    }
    // First irregularity: from now on track every number (so far it was exactly first..max).
    st.bits = new Uint8Array(Math.ceil((Math.max(total, v + 1) + 8) / 8))
    for (let k = Math.max(0, st.first); k <= st.max; k++) st.bits[k >> 3] |= 1 << (k & 7)
  }
  if (v >> 3 >= st.bits.length) {
    const grown = new Uint8Array((v >> 3) + 1024)
    grown.set(st.bits)
    st.bits = grown
  }
  const seen = (st.bits[v >> 3] & (1 << (v & 7))) !== 0
  if (seen) {
    st.dups++
    if (!st.anomaly) st.anomaly = { kind: 'duplicate', seq: v, max: st.max, trail: [...st.trail] }
  } else {
    st.bits[v >> 3] |= 1 << (v & 7)
    if (v < st.max) {
      st.late++
      if (!st.anomaly) st.anomaly = { kind: 'late', seq: v, max: st.max, trail: [...st.trail] }
    } else if (v > st.max + 1 && !st.anomaly) {
      st.anomaly = { kind: 'gap', seq: v, max: st.max, trail: [...st.trail] }
    }
  }
  if (v > st.max) st.max = v
}

function readyCheck() {
  if (readySent) return
  if (clients.every((c) => c.ready)) {
    readySent = true
    process.send({ type: 'ready' })
  }
}

// ---------------------------------------------------------------------------------------------
// Verdicts

function verdict(st) {
  let missing = 0
  if (st.first < 0) missing = total
  else if (st.bits === null) missing = st.first + (total - 1 - st.max)
  else {
    for (let k = 0; k < total; k++) if ((st.bits[k >> 3] & (1 << (k & 7))) === 0) missing++
  }
  return {
    missing,
    duplicated: st.dups,
    outOfOrder: st.late,
    reset: st.resets,
    ok: missing === 0 && st.dups === 0 && st.late === 0 && st.resets === 0,
  }
}

/**
 * Where the clients are. `since`: a line number; `below` counts clients (not stalling) whose
 * newest line is older, `catchingUp` those still catching up from the file. `last`: the last line
 * written so far, when the writer has stopped.
 */
function status(since = 0, last = Infinity) {
  let connected = 0
  let live = 0
  let stalled = 0
  let notLive = 0
  let below = 0
  let catchingUp = 0
  let slowest = null
  let minMaxLive = Infinity
  let minMaxConnected = Infinity
  for (const c of clients) {
    if (c.connected) connected++
    if (c.live) live++
    if (c.stalled) {
      stalled++
      continue
    }
    if (!c.live) notLive++
    if (c.max < since) below++
    // Catching up: connected and not live yet, or gone while catching up (its cursor came from a
    // catch-up page, which only the file can resume).
    // Once the writer has stopped, no line can prove a client live: having the last line does.
    if (!c.live && (c.connected || !c.wasLive) && !(c.connected && c.max >= last)) catchingUp++
    if (!slowest || c.max < slowest.max) slowest = c
    if (c.connected) minMaxConnected = Math.min(minMaxConnected, c.max)
    if (c.live) minMaxLive = Math.min(minMaxLive, c.max)
  }
  const fin = (x) => (x === Infinity ? -1 : x)
  return {
    clients: clients.length,
    connected,
    live,
    stalled,
    notLive,
    below,
    catchingUp,
    minMax: slowest ? slowest.max : -1,
    minMaxConnected: fin(minMaxConnected),
    minMaxLive: fin(minMaxLive),
    slowest: slowest && {
      i: slowest.i,
      kind: slowest.kind,
      connected: slowest.connected,
      live: slowest.live,
      conn: slowest.conn,
      max: slowest.max,
      lastId: slowest.lastId,
      trail: slowest.trail.slice(-4),
    },
  }
}

function result() {
  const v = { ok: 0, missing: 0, duplicated: 0, outOfOrder: 0, reset: 0 }
  const examples = []
  const firstOf = {}
  let reconnects = 0
  let voluntary = 0
  let dropped = 0
  let closedWhileStalled = 0
  let errors = 0
  for (const st of clients) {
    const r = verdict(st)
    if (r.ok) v.ok++
    for (const k of ['missing', 'duplicated', 'outOfOrder', 'reset']) {
      if (!r[k]) continue
      v[k]++
      firstOf[k] ??= st
    }
    reconnects += st.reconnects
    voluntary += st.voluntary
    dropped += st.dropped
    closedWhileStalled += st.closedWhileStalled
    errors += st.errors
  }
  // One failed client of each kind, then more of any kind, up to 5.
  const picked = new Set(Object.values(firstOf))
  for (const st of clients) if (picked.size < 5 && !verdict(st).ok) picked.add(st)
  for (const st of picked) {
    examples.push({
      client: st.i,
      kind: st.kind,
      connections: st.conn,
      first: st.first,
      max: st.max,
      count: st.count,
      ...verdict(st),
      anomaly: st.anomaly,
      trail: st.trail,
    })
  }
  const cpu = process.cpuUsage()
  return {
    type: 'result',
    verdicts: v,
    examples,
    reconnects,
    voluntary,
    dropped,
    closedWhileStalled,
    errors,
    latency: {
      samples: hist.n,
      p50: hist.pct(0.5) ?? null,
      p99: hist.pct(0.99) ?? null,
      max: hist.max,
      maxAny: anyMax,
    },
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }
}

// ---------------------------------------------------------------------------------------------
// Messages

process.on('message', async (m) => {
  if (m.type === 'start') {
    url = m.url
    total = m.total
    for (let i = 0; i < m.clients; i++) {
      const kind =
        i < m.stallers ? 'stall' : i < m.stallers + m.reconnectors ? 'reconnect' : 'steady'
      clients.push(newClient(i, kind))
    }
    // Connect in batches so the start is not one SYN flood; all are in before writing starts.
    for (let i = 0; i < clients.length; i += 100) {
      for (const st of clients.slice(i, i + 100)) open(st)
      await new Promise((r) => setTimeout(r, 50))
    }
  } else if (m.type === 'go') {
    goAt = Date.now()
    // Random disconnects of the reconnecting tenth, at times the parent drew.
    for (const [i, at] of m.disconnects) later(at, () => disconnect(clients[i]))
  } else if (m.type === 'stall') {
    // Stalls: a tab frozen right after it reconnected. The client reconnects at once with its
    // last id and does not read: its socket buffers are still small (a long-lived connection's
    // have grown to several MB and would hide the stall from the server for minutes), the
    // server's queue grows, and taillight drops it. Then it reads again.
    for (let i = 0; i < m.clients; i++) {
      later(i * 250, () => {
        const st = clients[i]
        st.stalled = true
        st.restall = true
        if (st.sock) st.sock.destroy()
        else open(st)
        later(m.ms, () => {
          st.stalled = false
          st.live = false
          st.respAt = Date.now() // live again once it gets a line written after the stall
          st.sock?.resume()
        })
      })
    }
  } else if (m.type === 'url') url = m.url
  else if (m.type === 'status')
    process.send({ type: 'status', id: m.id, ...status(m.since, m.last ?? Infinity) })
  else if (m.type === 'stop') {
    stopping = true
    for (const t of timers) clearTimeout(t)
    timers.clear()
    for (const st of clients) st.sock?.destroy()
    process.send({ ...result(), id: m.id })
  }
})

// The parent is gone (killed, crashed): never outlive it.
process.on('disconnect', () => process.exit(0))
