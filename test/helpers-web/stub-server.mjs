#!/usr/bin/env node
// A tiny stand-in for the taillight server that follows the HTTP contract (issue "Serve it"), so
// the viewer's browser tests can run before / without the real CLI. Polls files; cursors are
// `<inode>-<offset>` and survive a restart, like the real ones. Test-only: no limits, no gzip.
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, join } from 'node:path'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(name)
  return i >= 0 ? args.splice(i, 2)[1] : dflt
}
const port = Number(opt('--port', 0))
const initLines = Number(opt('--lines', 10))
const token = opt('--token', undefined)
const dist = new URL('../../web/dist/', import.meta.url).pathname
const files = args.map((p, i) => ({
  id: String(i),
  path: p,
  ino: 0,
  offset: 0,
  clients: new Set(),
}))
for (const f of files) {
  const st = statSync(f.path)
  f.ino = st.ino
  f.offset = lastNewline(readFileSync(f.path))
}

function lastNewline(buf) {
  return buf.lastIndexOf(10) + 1
}
const cursor = (f, off = f.offset) => `${f.ino}-${off}`
const parseCursor = (f, c) => {
  const m = /^(\d+)-(\d+)$/.exec(c ?? '')
  return m && Number(m[1]) === f.ino && Number(m[2]) <= f.offset ? Number(m[2]) : undefined
}
async function readRange(f, from, to) {
  const fh = await open(f.path, 'r')
  try {
    const buf = Buffer.alloc(to - from)
    await fh.read(buf, 0, to - from, from)
    return buf
  } finally {
    await fh.close()
  }
}
// Lines of [from, to) with their start offsets; `to` is at a line boundary.
async function linesIn(f, from, to) {
  if (to <= from) return []
  const buf = await readRange(f, from, to)
  const out = []
  let start = 0
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, start)) {
    out.push({
      text: buf.toString('utf8', start, i).replace(/\r$/, ''),
      at: from + start,
      end: from + i + 1,
    })
    start = i + 1
  }
  return out
}
const frame = (event, data, id) =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n${id ? `id: ${id}\n` : ''}\n`
const send = (f, text) => f.clients.forEach((res) => res.write(text))

async function poll(f) {
  let st
  try {
    st = statSync(f.path)
  } catch {
    return
  }
  if (st.ino !== f.ino) {
    f.ino = st.ino
    f.offset = 0
    send(f, frame('rotate', { reason: 'renamed' }, cursor(f)))
  } else if (st.size < f.offset) {
    f.offset = 0
    send(f, frame('truncate', { reason: 'size' }, cursor(f)))
  }
  if (st.size <= f.offset) return
  const buf = await readRange(f, f.offset, st.size)
  const end = lastNewline(buf)
  if (!end) return
  const lines = buf
    .toString('utf8', 0, end - 1)
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
  f.offset += end
  send(f, frame('update', { lines }, cursor(f)))
}
let polling = false
setInterval(async () => {
  if (polling) return
  polling = true
  for (const f of files) await poll(f)
  polling = false
}, 25)

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function events(req, res, f, q) {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
  })
  res.write('retry: 1000\n\n')
  const c = req.headers['last-event-id'] || q.get('lastEventId') || undefined
  const off = parseCursor(f, c)
  if (off !== undefined) {
    const lines = await linesIn(f, off, f.offset)
    if (lines.length) res.write(frame('update', { lines: lines.map((l) => l.text) }, cursor(f)))
  } else {
    if (c) res.write(frame('reset', { reason: 'stale' }))
    const n = Number(q.get('lines') ?? initLines)
    const lines = (await linesIn(f, 0, f.offset)).slice(-n || f.offset + 1)
    res.write(frame('init', { file: f.id, lines: n ? lines.map((l) => l.text) : [] }, cursor(f)))
  }
  f.clients.add(res)
  req.on('close', () => f.clients.delete(res))
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x')
  const q = url.searchParams
  const p = url.pathname
  if (p === '/' || p === '/log') return sendFile(res, 'index.html')
  if (/^\/[\w.-]+\.(js|css|map|svg)$/.test(p)) return sendFile(res, p.slice(1))
  if (token && p !== '/health' && q.get('token') !== token)
    return json(res, 401, { error: { code: 'unauthorized', message: 'token required' } })
  const f = q.has('file') ? files.find((x) => x.id === q.get('file')) : files[0]
  if (!f) return json(res, 404, { error: { code: 'no_file', message: 'no such file' } })
  if (p === '/events') return events(req, res, f, q)
  if (p === '/api/files' || p === '/health') {
    const list = files.map((x) => ({
      id: x.id,
      path: x.path,
      size: x.offset,
      backend: 'poll',
      backendReason: 'stub server',
      state: 'following',
    }))
    return json(res, 200, p === '/health' ? { status: 'ok', files: list } : list)
  }
  const before = q.has('before') ? parseCursor(f, q.get('before')) : f.offset
  if (before === undefined)
    return json(res, 410, { error: { code: 'stale', message: 'stale cursor' } })
  const all = await linesIn(f, 0, before)
  const limit = Number(q.get('limit') ?? 100)
  if (p === '/api/lines') {
    const lines = all.slice(-limit)
    return json(res, 200, {
      file: f.id,
      lines: lines.map((l) => l.text),
      first: cursor(f, lines[0]?.at ?? before),
      last: cursor(f, before),
      more: false,
      atStart: (lines[0]?.at ?? 0) === 0,
    })
  }
  if (p === '/api/search') {
    const needle = q.get('q')
    const re = q.get('regex') ? new RegExp(needle, q.get('icase') ? 'i' : '') : undefined
    const test = re
      ? (s) => re.test(s)
      : q.get('icase')
        ? (s) => s.toLowerCase().includes(needle.toLowerCase())
        : (s) => s.includes(needle)
    const matches = all
      .filter((l) => test(l.text))
      .reverse()
      .slice(0, limit)
    return json(res, 200, {
      file: f.id,
      matches: matches.map((l) => ({ line: l.text, cursor: cursor(f, l.end) })),
      next: null,
      done: true,
    })
  }
  if (p === '/download') {
    res.writeHead(200, {
      'content-type': 'text/plain',
      'content-disposition': `attachment; filename="${f.path.split('/').pop()}"`,
    })
    return createReadStream(f.path).pipe(res)
  }
  json(res, 404, { error: { code: 'not_found', message: 'no such route' } })
}

function sendFile(res, name) {
  const types = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.map': 'application/json',
    '.svg': 'image/svg+xml',
  }
  try {
    const body = readFileSync(join(dist, name))
    res.writeHead(200, { 'content-type': types[extname(name)] ?? 'application/octet-stream' })
    res.end(body)
  } catch {
    json(res, 404, { error: { code: 'not_found', message: 'no such asset' } })
  }
}

const server = createServer((req, res) =>
  handle(req, res).catch((e) => json(res, 500, { error: { code: 'internal', message: String(e) } }))
)
server.listen(port, '127.0.0.1', () =>
  console.log(`taillight (stub) listening on http://127.0.0.1:${server.address().port}/`)
)
