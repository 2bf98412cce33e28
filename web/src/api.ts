/**
 * @module URLs and JSON of the server contract, typed by the one declaration in
 * src/core/protocol.ts (shared with the server, so a renamed field fails both typechecks). The
 * page never names a path: files are ids from /api/files, positions are opaque cursors. A
 * `?token=` on the page URL is repeated on every request because EventSource cannot send an
 * Authorization header.
 */
import type { ErrorJson, FileInfoJson, LinesJson, SearchJson } from '../../src/core/protocol.js'
import { tagLines } from './file-tag.js'

export type { FileInfoJson, LinesJson, SearchJson }

export interface SearchQuery {
  file: string
  text: string
  regex: boolean
  caseSensitive: boolean
}

/** A failed request: the server's error code (or the HTTP status) and the route concerned. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly path: string,
    message: string
  ) {
    super(message)
  }
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

  async files(): Promise<FileInfoJson[]> {
    const body = await this.json('api/files', {})
    if (!Array.isArray(body)) throw new ApiError('bad_response', 'api/files', 'not a list of files')
    return body as FileInfoJson[]
  }

  /** The `limit` lines before `before` (the newest lines without it), in file order. */
  lines(file: string, before: string | undefined, limit: number): Promise<LinesJson> {
    return this.linesPage({ file, before, limit })
  }

  /** The lines after `after` (up to `until`), in file order; `more` → continue after `last`. */
  linesAfter(
    file: string,
    after: string,
    until: string | undefined,
    limit: number
  ): Promise<LinesJson> {
    return this.linesPage({ file, after, until, limit })
  }

  /** The lines from the first one at or after `time` (RFC 3339 or epoch ms); `at` is its cursor. */
  linesAt(file: string, time: string, limit: number): Promise<LinesJson> {
    return this.linesPage({ file, at: time, limit })
  }

  /** The file's first lines (`from=start`): Home in a file whose start is not loaded. */
  linesStart(file: string, limit: number): Promise<LinesJson> {
    return this.linesPage({ file, from: 'start', limit })
  }

  async search(q: SearchQuery, before?: string): Promise<SearchJson> {
    const b = (await this.json('api/search', searchParams(q, before))) as Partial<SearchJson>
    if (!Array.isArray(b.matches))
      throw new ApiError('bad_response', 'api/search', 'search response without matches')
    return b as SearchJson
  }

  private async linesPage(params: Record<string, string | number | undefined>) {
    const b = (await this.json('api/lines', params)) as Partial<LinesJson>
    if (!Array.isArray(b.lines) || typeof b.last !== 'string')
      throw new ApiError('bad_response', 'api/lines', 'lines response without lines or last')
    // The merged view's pages say which file each line is from, as its stream does.
    if (b.files) b.lines = tagLines(b.lines, b.files)
    return b as LinesJson
  }

  private async json(path: string, params: Record<string, string | number | undefined>) {
    const res = await fetch(this.url(path, params), { headers: { accept: 'application/json' } })
    if (res.ok) return (await res.json()) as unknown
    const body = (await res.json().catch(() => undefined)) as Partial<ErrorJson> | undefined
    throw new ApiError(
      body?.error?.code ?? `http_${res.status}`,
      path,
      body?.error?.message ?? `${res.status} ${res.statusText || 'error'}`
    )
  }
}

/** The query of /api/search, JSON or streamed (`stream=1`). */
export function searchParams(q: SearchQuery, before: string | undefined) {
  return {
    file: q.file,
    q: q.text,
    regex: q.regex ? 1 : undefined,
    icase: q.caseSensitive ? undefined : 1,
    before,
    limit: 200,
  }
}

/** The backend as shown in the footer: `poll (ENOSPC)` when the server says why. */
export function backendText(f: FileInfoJson | undefined): string | undefined {
  if (!f?.backend) return undefined
  return f.backendReason ? `${f.backend} (${f.backendReason})` : f.backend
}
