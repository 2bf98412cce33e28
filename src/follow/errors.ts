/**
 * @module Turning thrown errors into follower 'error' events (code + path, never a crash).
 */
import type { FollowEvent } from '../core/types.js'

type ErrorEvent = Extract<FollowEvent, { type: 'error' }>
type ErrnoLike = { code?: unknown; syscall?: unknown; path?: unknown; message?: unknown } | null

export function errorCode(err: unknown): string {
  const code = (err as ErrnoLike)?.code
  return typeof code === 'string' ? code : 'EUNKNOWN'
}

/** The event for `err`; `path` unless the error names a more precise one itself. */
export function toErrorEvent(err: unknown, path: string, fallbackCode?: string): ErrorEvent {
  const e = err as ErrnoLike
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
  const ev: ErrorEvent = {
    type: 'error',
    code: str(e?.code) ?? fallbackCode ?? 'EUNKNOWN',
    path: str(e?.path) ?? path,
    message: str(e?.message) ?? String(err),
  }
  const syscall = str(e?.syscall)
  if (syscall) ev.syscall = syscall
  return ev
}
