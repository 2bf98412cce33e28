/**
 * @module The error of an unreadable rotated sibling: a code a route can answer with and the
 * path concerned, so a bad archive is reported, never a crash.
 */
export class ArchiveError extends Error {
  constructor(
    readonly code: 'bad_archive' | 'stale',
    message: string,
    readonly path: string
  ) {
    super(`${path}: ${message}`)
  }
}
