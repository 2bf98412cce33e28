/**
 * URLs and JSON shapes of the server contract (issue "Serve it"). The page never names a path:
 * files are ids from /api/files, positions are opaque cursors. A `?token=` on the page URL is
 * repeated on every request because EventSource cannot send an Authorization header.
 */
export interface FileInfo {
  id: string
  path: string
  size?: number
  backend?: string
  state?: string
}

export interface LinesPage {
  lines: string[]
  /** Cursor at the start of lines[0]; undefined when the server did not send one. */
  first?: string
  /** Cursor just past the last line. */
  last?: string
  more?: boolean
  /** The server says lines[0] is the first line of the file. */
  atStart?: boolean
}

export interface SearchMatch {
  text: string
  cursor?: string
}

export interface SearchPage {
  matches: SearchMatch[]
  /** Where to continue searching backwards; undefined at the start of the file. */
  next?: string
}

export interface SearchQuery {
  file: string
  text: string
  regex: boolean
  caseSensitive: boolean
}

export class Api {
  constructor(
    private readonly base: string,
    private readonly token: string | null
  ) {}

  url(path: string, params: Record<string, string | number | undefined> = {}): string {
    const u = new URL(path, this.base)
    for (const [k, v] of Object.entries(params))
      if (v !== undefined) u.searchParams.set(k, String(v))
    if (this.token) u.searchParams.set('token', this.token)
    return u.toString()
  }

  async files(): Promise<{ files: FileInfo[] }> {
    const body = await this.json(this.url('api/files'))
    return { files: (Array.isArray(body) ? body : []).map(toFileInfo) }
  }

  async lines(file: string, before: string | undefined, limit: number): Promise<LinesPage> {
    const b = (await this.json(this.url('api/lines', { file, before, limit }))) as Record<
      string,
      unknown
    >
    return {
      lines: toTexts(b.lines),
      first: str(b.first),
      last: str(b.last),
      more: typeof b.more === 'boolean' ? b.more : undefined,
      atStart: typeof b.atStart === 'boolean' ? b.atStart : undefined,
    }
  }

  async search(q: SearchQuery, before?: string): Promise<SearchPage> {
    const params = {
      file: q.file,
      q: q.text,
      regex: q.regex ? 1 : undefined,
      icase: q.caseSensitive ? undefined : 1,
      before,
      limit: 200,
    }
    const b = (await this.json(this.url('api/search', params))) as Record<string, unknown>
    const raw = Array.isArray(b.matches) ? b.matches : []
    // Served as {line, cursor}: cursor is just past the matching line, a permalink with back 0.
    const matches = raw.map((m: Record<string, unknown>) => ({
      text: String(m.line ?? ''),
      cursor: str(m.cursor),
    }))
    return { matches, next: str(b.next) }
  }

  private async json(url: string): Promise<unknown> {
    const res = await fetch(url, { headers: { accept: 'application/json' } })
    if (res.ok) return res.json()
    // Errors come as {"error": {"code", "message"}}; fall back to the status line.
    const body = (await res.json().catch(() => undefined)) as
      { error?: { message?: string } } | undefined
    throw new Error(body?.error?.message ?? `${res.status} ${res.statusText || 'error'}`)
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Lines are JSON strings in the contract. */
function toTexts(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : []
}

function toFileInfo(v: unknown): FileInfo {
  const o = (v ?? {}) as Record<string, unknown>
  // Served as {backend: 'poll', backendReason: 'ENOSPC' | null}.
  const name = str(o.backend)
  const reason = str(o.backendReason)
  const backend = name ? `${name}${reason ? ` (${reason})` : ''}` : undefined
  return {
    id: String(o.id),
    path: String(o.path ?? o.id),
    size: typeof o.size === 'number' ? o.size : undefined,
    backend,
    state: typeof o.state === 'string' ? o.state : undefined,
  }
}
