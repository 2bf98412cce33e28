/**
 * @module `tail -F | websocketd`, the baseline of bench/server-latency.mjs --websocketd: finding
 * and starting websocketd (one `tail -n 1 -F FILE` per WebSocket), the helpers that inspect its
 * tails, and a minimal RFC 6455 client for the load process.
 */
import { execFileSync, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { connect } from 'node:net'
import { now } from './clock.mjs'

export function findWebsocketd() {
  let bin
  try {
    bin = execFileSync('sh', ['-c', 'command -v websocketd']).toString().trim()
  } catch {
    bin = ''
  }
  if (!bin) {
    console.log(
      'websocketd skipped: not installed (Debian package `websocketd`: apt-get install -y websocketd)'
    )
    return null
  }
  const version = execFileSync(bin, ['--version']).toString().trim()
  // As root, run it as nobody: a thousand tails would otherwise use up root's inotify instances.
  const asNobody = process.getuid?.() === 0 && existsSync('/usr/bin/setpriv')
  const inotify = Number(readFileSync('/proc/sys/fs/inotify/max_user_instances', 'utf8'))
  return { bin, version, asNobody, inotifyMaxUserInstances: inotify }
}

export function spawnWebsocketd(ws, port, file) {
  const cmd = [
    ws.bin,
    ...['--port', String(port), '--address', '127.0.0.1', '--loglevel', 'error'],
    ...['tail', '-n', '1', '-F', file],
  ]
  const [bin, ...rest] = ws.asNobody
    ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...cmd]
    : cmd
  return spawn(bin, rest, { stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Whether pid holds an inotify instance (a tail without one polls the file every second). */
export function usesInotify(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === 'anon_inode:inotify'
      } catch {
        return false
      }
    })
  } catch {
    return false
  }
}

export function isTail(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tail'
  } catch {
    return false
  }
}

/**
 * A minimal RFC 6455 client, enough for websocketd: the opening handshake, then unmasked text
 * frames from the server (7-, 16- or 64-bit lengths). It sends nothing after the handshake, so it
 * never has to mask a frame. A load-process transport (sse-load.mjs).
 */
export function wsClient(m, st, { onMessage }) {
  const u = new URL(m.url)
  return new Promise((resolve, reject) => {
    const s = connect({ host: u.hostname, port: Number(u.port) }, () => {
      s.write(
        `GET / HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n` +
          'Sec-WebSocket-Version: 13\r\n\r\n'
      )
      resolve()
    })
    let buf = Buffer.alloc(0)
    let open = false
    s.on('data', (d) => {
      const t = now()
      buf = buf.length ? Buffer.concat([buf, d]) : d
      if (!open) {
        const end = buf.indexOf('\r\n\r\n')
        if (end < 0) return
        if (!buf.subarray(0, 13).toString('latin1').startsWith('HTTP/1.1 101')) {
          console.error(`websocketd refused: ${buf.subarray(0, end).toString('latin1')}`)
          return s.destroy()
        }
        open = true
        buf = buf.subarray(end + 4)
      }
      let off = 0
      while (buf.length - off >= 2) {
        const opcode = buf[off] & 0x0f
        let len = buf[off + 1] & 0x7f
        let head = 2
        if (len === 126) {
          if (buf.length - off < 4) break
          len = buf.readUInt16BE(off + 2)
          head = 4
        } else if (len === 127) {
          if (buf.length - off < 10) break
          len = Number(buf.readBigUInt64BE(off + 2))
          head = 10
        }
        if (buf.length - off < head + len) break
        const payload = buf.subarray(off + head, off + head + len)
        off += head + len
        if (opcode === 1 || opcode === 0) onMessage(st, payload, t)
        else if (opcode === 8) s.end() // close
      }
      buf = buf.subarray(off)
    })
    s.on('error', reject)
  })
}
