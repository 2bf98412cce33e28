/**
 * @module What the page's address asks for (cap, lines, token, file, worker, a permalink), read
 * in one place: the boot script (page-boot.ts) opens the stream from it before the viewer's
 * bundle has even arrived, and the viewer must agree with it on every value.
 */
import { parsePermalink } from './permalink.js'

const DEFAULT_CAP = 100_000
// Fixed 20px rows: 500k lines is a 10M px list, safely under Chromium's ~16.7M px element limit.
const MAX_CAP = 500_000

export interface PageParams {
  cap: number
  /** Relative to the page so the viewer also works behind a reverse proxy under a sub-path. */
  base: string
  token: string | null
  /** Lines in the first init (`?lines=`); the server's default otherwise. */
  initLines?: number
  /** The file the address names; the server's first when none. */
  asked?: string
  /** `?worker=0` keeps the stream in the page. */
  worker: boolean
  /** The address opens a permalink (#...): the stream starts where it points, not at the end. */
  permalink: boolean
}

export function pageParams(loc: Location = location): PageParams {
  const params = new URLSearchParams(loc.search)
  const capParam = Number(params.get('cap'))
  const linesParam = Number(params.get('lines') ?? NaN)
  return {
    cap:
      Number.isInteger(capParam) && capParam >= 100 && capParam <= MAX_CAP ? capParam : DEFAULT_CAP,
    base: new URL('.', loc.href).toString(),
    token: params.get('token'),
    initLines: Number.isInteger(linesParam) && linesParam >= 0 ? linesParam : undefined,
    asked: params.get('file') ?? undefined,
    worker: params.get('worker') !== '0',
    permalink: parsePermalink(loc.hash) !== undefined,
  }
}
