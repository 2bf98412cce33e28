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
  gen: 0,
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
const send = (f, text) => f.clients.forEach((c) => c.res.write(text))
// Line data per event, as the real server's budget.
const EVENT_BYTES = 256 * 1024

// End of the last whole line in [from, min(from + max, to)); past `max` for one longer line.
async function chunkEnd(f, from, to, max) {
  for (let size = max; ; size *= 2) {
    const end = Math.min(to, from + size)
    const nl = lastNewline(await readRange(f, from, end))
    if (nl || end === to) return from + nl
  }
}
// The first line start at or after `at`.
async function lineStartFrom(f, at) {
  if (at <= 0) return 0
  for (let pos = at - 1; pos < f.offset; pos += 65536) {
    const buf = await readRange(f, pos, Math.min(f.offset, pos + 65536))
    const i = buf.indexOf(10)
    if (i >= 0) return pos + i + 1
  }
  return f.offset
}

// End of the last whole line in [from, size), read backwards a window at a time.
async function lastLineEnd(f, from, size) {
  for (let end = size; end > from; end -= 65536) {
    const start = Math.max(from, end - 65536)
    const nl = lastNewline(await readRange(f, start, end))
    if (nl) return start + nl
  }
  return from
}

function drained(res) {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.on('drain', done)
    res.on('close', done)
  })
}

// One client's delivery: from its position to the newest line, an event budget at a time,
// waiting for the socket to drain; with `skip`, a client further behind than that jumps ahead.
async function pump(f, c) {
  if (c.pumping) return
  c.pumping = true
  try {
    while (!c.closed && c.pos < f.offset) {
      const gen = f.gen
      if (c.skip && f.offset - c.pos > c.skip) {
        const to = await lineStartFrom(f, f.offset - c.skip)
        if (to > c.pos) {
          const skipped = { from: cursor(f, c.pos), to: cursor(f, to), bytes: to - c.pos }
          c.pos = to
          c.res.write(frame('skipped', skipped, skipped.to))
        }
      }
      const end = await chunkEnd(f, c.pos, f.offset, EVENT_BYTES)
      if (end <= c.pos) break
      const lines = (await linesIn(f, c.pos, end)).map((l) => l.text)
      // Rotated or truncated meanwhile: these offsets belong to the old file.
      if (gen !== f.gen) continue
      c.pos = end
      if (!c.res.write(frame('update', { lines }, cursor(f, end)))) await drained(c.res)
    }
  } finally {
    c.pumping = false
  }
}

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
    f.gen++
    send(f, frame('rotate', { reason: 'renamed' }, cursor(f)))
    f.clients.forEach((c) => (c.pos = 0))
  } else if (st.size < f.offset) {
    f.offset = 0
    f.gen++
    send(f, frame('truncate', { reason: 'size' }, cursor(f)))
    f.clients.forEach((c) => (c.pos = 0))
  }
  if (st.size > f.offset) f.offset = await lastLineEnd(f, f.offset, st.size)
  f.clients.forEach((c) => void pump(f, c))
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
  const skip = q.has('skip') ? Number(q.get('skip')) : undefined
  if (skip !== undefined && !(Number.isInteger(skip) && skip >= 65536))
    return json(res, 400, {
      error: { code: 'bad_skip', message: 'skip must be an integer ≥ 65536', param: 'skip' },
    })
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
  })
  res.write('retry: 1000\n\n')
  const c = { res, pos: f.offset, skip, pumping: false, closed: false }
  const last = req.headers['last-event-id'] || q.get('lastEventId') || undefined
  const off = parseCursor(f, last)
  if (off !== undefined) c.pos = off
  else {
    if (last) res.write(frame('reset', { reason: 'stale' }))
    const n = Number(q.get('lines') ?? initLines)
    // The newest n lines that fit in one event's budget.
    const start = await lineStartFrom(f, Math.max(0, f.offset - EVENT_BYTES))
    const lines = n ? (await linesIn(f, start, f.offset)).slice(-n) : []
    const more = n > lines.length && (lines[0]?.at ?? start) > 0 ? { more: true } : {}
    const first = cursor(f, lines[0]?.at ?? f.offset)
    const init = { file: f.id, lines: lines.map((l) => l.text), first, ...more }
    res.write(frame('init', init, cursor(f)))
  }
  f.clients.add(c)
  req.on('close', () => {
    c.closed = true
    f.clients.delete(c)
  })
  void pump(f, c)
}

// Up to `limit` lines before `before`, reading backwards a window at a time.
async function linesBefore(f, before, limit) {
  let from = before
  let got = []
  while (from > 0 && got.length <= limit) {
    from = Math.max(0, from - (1 << 20))
    const start = await lineStartFrom(f, from)
    got = await linesIn(f, start, before)
    if (start === 0) from = 0
  }
  return got.slice(-limit)
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://x')
  const q = url.searchParams
  const p = url.pathname
  if (/^\/[\w.-]+\.(js|css|map|svg)$/.test(p)) return sendFile(res, p.slice(1))
  if (token && p !== '/health') {
    // Like the real server: ?token= (or the sign-in form) is traded for a session cookie and
    // dropped from the address; a page without either gets the sign-in form.
    const form = p === '/auth' && req.method === 'POST' ? await formBody(req) : undefined
    const given = form?.get('token') ?? q.get('token')
    if (given === token) {
      q.delete('token')
      const rest = q.toString()
      const next = form ? (form.get('next') ?? '/') : `${p}${rest ? `?${rest}` : ''}`
      res.writeHead(303, {
        location: next.startsWith('/') ? next : '/',
        'set-cookie': `taillight_session=${session}; Path=/; HttpOnly; SameSite=Strict`,
      })
      return res.end()
    }
    if (!(req.headers.cookie ?? '').split(/;\s*/).includes(`taillight_session=${session}`)) {
      if (p === '/' || p === '/log' || p === '/auth') return signIn(res, p === '/auth' ? '/' : p)
      return json(res, 401, { error: { code: 'unauthorized', message: 'token required' } })
    }
  }
  if (p === '/' || p === '/log') return sendFile(res, 'index.html')
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
  const limit = Number(q.get('limit') ?? 100)
  if (p === '/api/lines' && q.has('after')) {
    const after = parseCursor(f, q.get('after'))
    const until = q.has('until') ? parseCursor(f, q.get('until')) : f.offset
    if (after === undefined || until === undefined || until < after)
      return json(res, 410, { error: { code: 'stale', message: 'stale cursor' } })
    const end = await chunkEnd(f, after, until, 1 << 20)
    const lines = (await linesIn(f, after, end)).slice(0, limit)
    const last = lines.at(-1)?.end ?? after
    return json(res, 200, {
      file: f.id,
      lines: lines.map((l) => l.text),
      first: cursor(f, after),
      last: cursor(f, last),
      more: last < until,
      atStart: after === 0,
    })
  }
  if (p === '/api/lines') {
    const lines = await linesBefore(f, before, limit)
    return json(res, 200, {
      file: f.id,
      lines: lines.map((l) => l.text),
      first: cursor(f, lines[0]?.at ?? before),
      last: cursor(f, before),
      more: (lines[0]?.at ?? 0) > 0,
      atStart: (lines[0]?.at ?? 0) === 0,
    })
  }
  const all = await linesIn(f, 0, before)
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

const session = Math.random().toString(36).slice(2)

async function formBody(req) {
  let body = ''
  for await (const chunk of req) body += chunk
  return new URLSearchParams(body)
}

function signIn(res, next) {
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8' })
  res.end(
    `<!doctype html><html><body><form method="post" action="auth" data-testid="sign-in">` +
      `<label for="token">Access token</label><input id="token" name="token" type="password">` +
      `<input type="hidden" name="next" value="${next.replace(/[^\w/.-]/g, '')}">` +
      `<button type="submit">Sign in</button></form></body></html>`
  )
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
