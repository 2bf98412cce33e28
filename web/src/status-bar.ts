/** The footer: connection state (the `status` test hook), backend, file path and line counts. */
import type { ConnStatus } from './connection.js'
import { el } from './dom.js'

export class StatusBar {
  private readonly conn = el('status')
  private readonly backendEl = el('backend')
  private readonly pathEl = el('path')
  private readonly countsEl = el('counts')

  connection(s: ConnStatus): void {
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

  counts(shown: number, total: number, filtered: boolean): void {
    const n = (x: number) => x.toLocaleString('en-US')
    this.countsEl.textContent = filtered
      ? `${n(shown)} of ${n(total)} lines match`
      : `${n(total)} line${total === 1 ? '' : 's'}`
  }
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
