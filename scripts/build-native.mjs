#!/usr/bin/env node
// Builds native/ with node-gyp. Run by `npm install` (lenient: a failed build only warns, since
// taillight falls back to stat polling) and by `npm run build:native` (--strict: fails loudly).
// scripts/test-kqueue.mjs also runs it on a copy of the sources (--directory=DIR) with
// --taillight-kqueue-prefix=PREFIX, which binding.gyp reads as a gyp variable.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const strict = process.argv.includes('--strict')
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const directoryArg = process.argv.find((arg) => arg.startsWith('--directory='))
const buildRoot = directoryArg ? path.resolve(directoryArg.slice('--directory='.length)) : root
const gypVariables = process.argv.filter((arg) => arg.startsWith('--taillight-'))
const SUPPORTED = ['linux', 'darwin', 'freebsd', 'openbsd']

function giveUp(reason) {
  if (strict) {
    console.error(`taillight: native addon not built (${reason}).`)
    process.exit(1)
  }
  const hint = SUPPORTED.includes(process.platform)
    ? ' Install a C++ toolchain (python3, make, g++) and run `npm run build:native`.'
    : ''
  console.error(
    `taillight: native addon not built (${reason}); falling back to stat polling.${hint}`
  )
  process.exit(0)
}

// The most useful line of a failed node-gyp log, so the one-line warning says what to install.
function shortReason(log, status) {
  const patterns = [
    [/Could not find any Python|python.*not found/i, 'python3 not found'],
    [/make: (?:command )?not found|not found: make|spawn make ENOENT/i, 'make not found'],
    [
      /(?:g\+\+|c\+\+|cc|clang\+\+): (?:command )?not found|No such file or directory.*[gc]\+\+/i,
      'C++ compiler not found',
    ],
    [
      /node_api\.h: No such file|gyp: Undefined variable|Could not find node headers/i,
      'Node headers not found',
    ],
    [
      /getaddrinfo|ECONNREFUSED|ETIMEDOUT|self.signed certificate/i,
      'downloading Node headers failed',
    ],
  ]
  for (const [re, reason] of patterns) if (re.test(log)) return reason
  const firstError = log.split('\n').find((line) => /\berror\b/i.test(line))
  const detail = firstError ? `: ${firstError.trim().slice(0, 120)}` : ''
  return `node-gyp exited with ${status ?? 'a signal'}${detail}`
}

if (process.env.TAILLIGHT_SKIP_NATIVE === '1') {
  console.error(
    'taillight: TAILLIGHT_SKIP_NATIVE=1, skipping the native addon build (stat polling).'
  )
  process.exit(0)
}
if (!SUPPORTED.includes(process.platform)) giveUp(`unsupported platform ${process.platform}`)

let nodeGyp
try {
  nodeGyp = createRequire(path.join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js')
} catch {
  giveUp('node-gyp is not installed')
}

const args = [nodeGyp, 'rebuild', '--jobs=max', ...gypVariables]
// Headers installed next to this node (distro packages, official tarballs) mean no download.
const prefix = path.resolve(path.dirname(process.execPath), '..')
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include/node/node_api.h'))) {
  args.push(`--nodedir=${prefix}`)
}

// `node -p` in binding.gyp must find this same node, whatever PATH says.
const env = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
}
const result = spawnSync(process.execPath, args, {
  cwd: buildRoot,
  env,
  encoding: 'utf8',
  // --strict shows the whole compiler output; install time keeps it for the one-line reason.
  stdio: strict ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  maxBuffer: 64 * 1024 * 1024,
})
if (result.error) giveUp(`could not run node-gyp: ${result.error.message}`)
if (result.status !== 0)
  giveUp(shortReason(`${result.stdout ?? ''}\n${result.stderr ?? ''}`, result.status))
const built = path.join(buildRoot, 'build/Release/taillight.node')
if (!existsSync(built)) giveUp(`node-gyp succeeded but ${built} is missing`)
console.error(
  `taillight: native addon built (${buildRoot === root ? path.relative(root, built) : built}).`
)
