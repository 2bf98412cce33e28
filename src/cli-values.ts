/**
 * @module Checks of option values shared by flags, environment variables and the config file:
 * each error names where the value came from (`--port`, `TAILLIGHT_PORT`, `FILE:LINE: port`).
 */
import { readFileSync } from 'node:fs'

export class UsageError extends Error {
  readonly code = 'E_USAGE'
  /** Set when the value came from a config file: the message names it, --help would not help. */
  config = false
}

export const int = (v: string, name: string, min: number, max: number): number => {
  if (!/^[0-9]{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got '${v}'`)
  }
  return Number(v)
}

export const bool = (v: string, name: string): boolean => {
  if (/^(1|true|yes|on)$/i.test(v)) return true
  if (/^(0|false|no|off|)$/i.test(v)) return false
  throw new UsageError(`${name} must be 1 or 0, got '${v}'`)
}

/** The first line of a token file, as `{value, name}` so errors name the file. */
export function tokenFromFile(p: { value: string; name: string } | undefined) {
  if (!p) return undefined
  let text
  try {
    text = readFileSync(p.value, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
    throw new UsageError(`${p.name}: cannot read ${p.value} (${code})`)
  }
  return { value: (text.split(/\r?\n/)[0] ?? '').trim(), name: `${p.name} ${p.value}` }
}

/** `a.example,.b.example`: names (a leading dot for subdomains) or IP literals, no ports. */
export function hostList(p: { value: string; name: string } | undefined): string[] {
  if (!p) return []
  const names = p.value.split(',').map((s) => s.trim())
  for (const n of names) {
    if (
      !/^(\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?|\[[0-9a-f:.]+\])$/i.test(
        n
      )
    ) {
      throw new UsageError(`${p.name} must be a comma-separated list of host names, got '${n}'`)
    }
  }
  return names
}
