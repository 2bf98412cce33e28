/**
 * @module Finds and loads the native addon (build/Release or build/Debug, or the file named by
 * TAILLIGHT_NATIVE_PATH). Never throws and never prints: the caller reports `reason` and falls
 * back to stat polling.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import type { NativeBinding } from './native-types.js'

export interface NativeLoadResult {
  binding: NativeBinding | null
  /** Why `binding` is null, with what was tried and what to do about it. */
  reason?: string
}

// openbsd too: binding.gyp compiles the kqueue backend there.
const SUPPORTED_PLATFORMS = new Set(['linux', 'darwin', 'freebsd', 'openbsd'])
const CANDIDATES = ['build/Release/taillight.node', 'build/Debug/taillight.node']

let cached: NativeLoadResult | undefined

/** Loads the addon once per module instance (per thread); later calls return the same result. */
export function loadNative(): NativeLoadResult {
  cached ??= tryLoad()
  return cached
}

function tryLoad(): NativeLoadResult {
  if (process.env.TAILLIGHT_NO_NATIVE === '1') {
    return { binding: null, reason: 'disabled by TAILLIGHT_NO_NATIVE' }
  }
  if (!SUPPORTED_PLATFORMS.has(process.platform)) {
    return { binding: null, reason: `no native backend for platform ${process.platform}` }
  }
  const here = path.dirname(fileURLToPath(import.meta.url))
  const root = findPackageRoot(here)
  if (root === null) {
    return {
      binding: null,
      reason: `no package.json above ${here}, so no build/ directory to load from`,
    }
  }
  const require = createRequire(path.join(root, 'package.json'))
  const tried: string[] = []
  // An addon built elsewhere (scripts/test-kqueue.mjs builds the kqueue backend out of tree, so
  // the checkout's own build/ stays the one everyone else tests).
  const override = process.env.TAILLIGHT_NATIVE_PATH
  const candidates = override ? [path.resolve(override)] : CANDIDATES
  for (const candidate of candidates) {
    const file = path.resolve(root, candidate)
    if (!existsSync(file)) {
      tried.push(`${file} (not found)`)
      continue
    }
    try {
      const binding = require(file) as unknown
      if (!isBinding(binding)) {
        tried.push(`${file} (not a taillight addon: missing createNotifier/readBackward)`)
        continue
      }
      return { binding }
    } catch (error) {
      tried.push(`${file} (${describe(error)})`)
    }
  }
  return {
    binding: null,
    reason: `native addon not loaded; tried ${tried.join(', ')}. ${advice(tried)}`,
  }
}

function findPackageRoot(start: string): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(dir) === dir) return null
  }
}

function isBinding(value: unknown): value is NativeBinding {
  if (typeof value !== 'object' || value === null) return false
  const candidate = value as Record<string, unknown>
  return (
    typeof candidate.createNotifier === 'function' &&
    typeof candidate.readBackward === 'function' &&
    (candidate.backend === 'inotify' || candidate.backend === 'kqueue')
  )
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const code = (error as NodeJS.ErrnoException).code
  return code === undefined ? error.message : `${code}: ${error.message}`
}

function advice(tried: string[]): string {
  if (tried.some((line) => line.includes('ERR_DLOPEN_DISABLED'))) {
    return 'Addons are disabled by the permission model: add --allow-addons to use the native backend.'
  }
  if (tried.every((line) => line.endsWith('(not found)'))) {
    return 'Build it with `npm run build:native` (needs python3, make and a C++ compiler).'
  }
  return 'Rebuild it with `npm run build:native`; it may have been built for another platform or architecture.'
}
