#!/usr/bin/env node
/**
 * @module The fast client of bench/burst.mjs and bench/rate.mjs, in a process of its own so that
 * the measuring process is never the bottleneck (forked; not meant to be run by hand).
 *
 * `sse`: one raw HTTP/1.1 client on GET /events?lines=0 that reads the stream as fast as the
 * kernel hands it over, with flat memory however large an event is (lib/sse-scan.mjs), and
 * reconnects as EventSource does (after `retry:`, with Last-Event-ID) if the stream ends.
 * `tail`: `tail -n 1 -F FILE`, read the same way, for comparison. Either way it checks that
 * every line token arrives exactly once and in order and times each one from its write.
 *
 * Messages from the parent: start {mode, url | file}, expect {total}, report; to the parent:
 * ready, done (every line arrived, or `report` was asked for).
 */
import { spawn } from 'node:child_process'
import { connect } from 'node:net'
import { now } from './lib/clock.mjs'
import { dechunker, sseRequest } from './lib/http-body.mjs'
import { INCOMPLETE, parseToken } from './lib/line-tokens.mjs'
import { Histogram } from './lib/percentiles.mjs'
import { sseScanner } from './lib/sse-scan.mjs'

const hist = new Histogram(10, 60_000)
const s = {
  received: 0,
  next: 0,
  duplicates: 0,
  gaps: 0,
  missing: 0,
  events: 0,
  eventBytes: 0,
  maxEventBytes: 0,
  names: {},
  reconnects: 0,
  firstAt: 0,
  lastAt: 0,
  doneAt: 0,
}
let expected = 0
let ready = false
let reported = false
let chunkAt = 0
let stopping = false
let tail = null
let sock = null
/** The scanner of the current SSE stream: a huge event still arriving is still counted. */
let scan = null

function token(seq) {
  s.received++
  if (seq < s.next) s.duplicates++
  else if (seq > s.next) {
    s.gaps++
    s.missing += seq - s.next
  }
  if (seq >= s.next) s.next = seq + 1
  if (!s.firstAt) s.firstAt = chunkAt
  s.lastAt = chunkAt
  maybeDone()
}

/** Done once every line is in and the event carrying the last of them has ended. */
function maybeDone() {
  if (!expected || s.next < expected || (scan && scan.open() >= 0)) return
  s.doneAt = chunkAt // when an EventSource would hand the last line to the page
  report()
}

function timed(seq, ms) {
  hist.add(Math.max(0, chunkAt - ms))
  token(seq)
}

function report() {
  if (reported) return
  reported = true
  // a stream cut in the middle of an event (the server died) still shows how big it got
  if (scan) s.maxEventBytes = Math.max(s.maxEventBytes, scan.open())
  const cpu = process.cpuUsage()
  process.send({
    type: 'done',
    ...s,
    p50: hist.pct(0.5),
    p99: hist.pct(0.99),
    max: hist.n ? hist.max : undefined,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMb: process.memoryUsage().rss / 1048576,
  })
}

function markReady() {
  if (ready) return
  ready = true
  process.send({ type: 'ready' })
}

function sse(url) {
  const u = new URL(url)
  let lastId = null
  let retry = 3000
  const open = () => {
    scan = sseScanner({
      onEvent: (name, bytes, id) => {
        if (name === 'message' && bytes === 0) {
          return // a comment or the retry: field
        }
        s.events++
        s.eventBytes += bytes
        if (bytes > s.maxEventBytes) s.maxEventBytes = bytes
        s.names[name] = (s.names[name] ?? 0) + 1
        if (id) lastId = id
        if (name === 'init') markReady()
        maybeDone()
      },
      onToken: timed,
    })
    sock = connect({ host: u.hostname, port: Number(u.port) }, () =>
      sock.write(sseRequest(u.host, '/events?lines=0', lastId))
    )
    const body = dechunker(
      (d) => {
        const r = /^retry: (\d+)/.exec(d.toString('latin1', 0, 16))
        if (r) retry = Number(r[1])
        scan(d)
      },
      { onEnd: () => sock.destroy() }
    )
    sock.on('data', (d) => {
      chunkAt = now()
      body(d)
    })
    sock.on('error', () => {})
    sock.on('close', () => {
      if (stopping) return
      s.reconnects++
      setTimeout(open, retry)
    })
  }
  open()
}

function tailF(file) {
  tail = spawn('tail', ['-n', '1', '-F', file], { stdio: ['ignore', 'pipe', 'ignore'] })
  let carry = null
  tail.stdout.on('data', (d) => {
    chunkAt = now()
    const b = carry ? Buffer.concat([carry, d]) : d
    carry = null
    let pos = 0
    for (let nl = b.indexOf(10); nl >= 0; pos = nl + 1, nl = b.indexOf(10, pos)) {
      const t = parseToken(b, pos, nl)
      if (t && t !== INCOMPLETE) timed(t.seq, t.ms)
      else markReady() // the one line the file held when tail started: it is following
    }
    if (pos < b.length) carry = b.subarray(pos)
  })
}

process.on('message', (m) => {
  if (m.type === 'start') {
    if (m.mode === 'tail') tailF(m.file)
    else sse(m.url)
  } else if (m.type === 'expect') {
    expected = m.total
    maybeDone()
  } else if (m.type === 'report') report()
  else if (m.type === 'stop') {
    stopping = true
    sock?.destroy()
    tail?.kill()
  }
})

// The parent is gone (killed, crashed): never outlive it, nor leave a tail behind.
process.on('disconnect', () => {
  tail?.kill()
  process.exit(0)
})
