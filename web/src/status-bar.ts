/**
 * @module The footer: connection and file state (the `status` test hook), backend, file path and
 * line counts. A live connection to a file that is missing or broken says so, never "live".
 */
import type { StateEvent } from '../../src/core/protocol.js'
import type { ConnStatus } from './connection.js'
import { el } from './dom.js'

export class StatusBar {
  private readonly conn = el('status')
  private readonly backendEl = el('backend')
  private readonly pathEl = el('path')
  private readonly countsEl = el('counts')
  private last: ConnStatus = { state: 'connecting' }
  private file: StateEvent | undefined

  connection(s: ConnStatus): void {
    this.last = s
    this.draw()
  }

  /** The file's state from the stream; undefined for a new file (until the server says). */
  fileState(f: StateEvent | undefined): void {
    this.file = f?.state === 'following' ? undefined : f
    this.draw()
  }

  private draw(): void {
    const s = this.last
    const f = this.file
    if (s.state === 'live' && f) {
      this.conn.dataset.state = f.state
      this.conn.textContent =
        f.state === 'missing' ? `waiting for ${f.path}` : `error: ${f.code ?? 'unknown'}`
      this.conn.title =
        f.state === 'missing'
          ? `${f.path} does not exist (yet): it is followed from its start when it appears`
          : `${f.path}: ${f.message ?? 'cannot be followed'}`
      return
    }
    this.conn.dataset.state = s.state
    this.conn.textContent = describe(s)
    this.conn.title = s.message ?? ''
  }

  backend(text: string | undefined): void {
    this.backendEl.textContent = text ? `backend: ${text}` : ''
  }

  path(text: string | undefined): void {
    this.pathEl.textContent = text ?? ''
    this.pathEl.title = text ?? ''
  }

  /** `inverted`: the shown lines are those without a match, and the count says so. */
  counts(
    shown: number,
    total: number,
    filtered: boolean,
    inverted = false,
    whole?: { atStart: boolean; size: number | undefined }
  ): void {
    const n = (x: number) => x.toLocaleString('en-US')
    const lines = `${n(total)} line${total === 1 ? '' : 's'}`
    // Unfiltered, say what the count means: the whole file, or the newest part of how much.
    this.countsEl.textContent = !filtered
      ? whole?.atStart
        ? `${lines} · start of file`
        : whole?.size !== undefined
          ? `showing ${lines} of ${bytes(whole.size)}`
          : lines
      : inverted
        ? `${n(shown)} of ${n(total)} lines shown (not matching)`
        : `${n(shown)} of ${n(total)} lines shown`
  }
}

function bytes(b: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = b
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

function describe(s: ConnStatus): string {
  const wait = s.retryIn !== undefined ? ` in ${s.retryIn}s` : ''
  const why = s.message ? ` (${s.message})` : ''
  switch (s.state) {
    case 'live':
      return 'live'
    case 'connecting':
      return 'connecting…'
    case 'reconnecting':
      return `reconnecting${wait}${why}`
    case 'offline':
      return `offline, retrying${wait}${why}`
    case 'stopped':
      return 'paused, disconnected (will catch up on resume)'
  }
}
