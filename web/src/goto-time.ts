/**
 * @module Go to a time (`data-testid="goto-time"`): the first line at or after it, found by the
 * server's binary search over the file (`/api/lines?at=`), opened in the history view like a
 * permalink. The input takes local time; the server gets it as RFC 3339 (UTC).
 */
import type { Api } from './api.js'
import type { Commands } from './commands.js'
import { el } from './dom.js'

export function wireGotoTime(api: Api, file: () => string | undefined, app: Commands): void {
  const input = el<HTMLInputElement>('goto-time')
  const form = el<HTMLFormElement>('goto-form')
  const go = async () => {
    const f = file()
    const when = input.value ? new Date(input.value) : undefined
    if (f === undefined || !when || Number.isNaN(when.getTime())) return
    input.classList.remove('invalid')
    try {
      const page = await api.linesAt(f, when.toISOString(), 1)
      if (page.lines.length === 0) throw new Error('no line at or after that time')
      input.title = `Showing the first line at or after ${when.toLocaleString()}`
      await app.openAt({ file: f, cursor: page.last, back: 0 })
    } catch (e) {
      input.classList.add('invalid')
      input.title = `Cannot go to that time: ${(e as Error).message}`
    }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    void go()
  })
  input.addEventListener('change', () => void go())
}
