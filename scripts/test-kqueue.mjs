#!/usr/bin/env node
// @module `npm run test:kqueue`: the kqueue backend (what macOS and the BSDs run) compiled and
// tested on Linux, against libkqueue (github.com/mheily/libkqueue, a kqueue emulation on top of
// inotify) installed in $LIBKQUEUE_PREFIX. The addon is built from a copy of the sources in a
// temporary directory and loaded through TAILLIGHT_NATIVE_PATH, so the checkout's build/ stays the
// inotify one. Without LIBKQUEUE_PREFIX it says so in one line and succeeds: neither Debian nor
// npm packages libkqueue, and on macOS `npm test` already runs the real kqueue.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const SUITES = [
  'test/notifier.test.ts',
  'test/follower.test.ts',
  'test/follower-worker.test.ts',
  'test/follower-kernels.test.ts',
]

function fail(message) {
  console.error(`test:kqueue: ${message}`)
  process.exit(1)
}

/** Runs a command in the checkout with output shown; exits with its status when it fails. */
function run(what, command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.error) fail(`${what}: ${result.error.message}`)
  if (result.status !== 0) fail(`${what} failed (exit ${result.status ?? result.signal})`)
}

const prefixArg = process.env.LIBKQUEUE_PREFIX
if (!prefixArg) {
  console.log(
    'test:kqueue: skipped, LIBKQUEUE_PREFIX is not set (install mheily/libkqueue into a prefix ' +
      'and set it to that directory; see "Development notes" in the README)'
  )
  process.exit(0)
}
if (process.platform !== 'linux') {
  console.log(`test:kqueue: skipped, ${process.platform} has a real kqueue: \`npm test\` runs it`)
  process.exit(0)
}
const prefix = path.resolve(prefixArg)
const header = path.join(prefix, 'include/kqueue/sys/event.h')
const library = path.join(prefix, 'lib/libkqueue.so')
for (const file of [header, library]) {
  if (!existsSync(file)) {
    fail(`${file} not found: LIBKQUEUE_PREFIX=${prefixArg} must be where libkqueue was installed`)
  }
}

// The worker suite runs dist/ in a child process, so dist/ must know TAILLIGHT_NATIVE_PATH.
run('npm run build:ts', process.execPath, [
  path.join(root, 'node_modules/typescript/bin/tsc'),
  '-p',
  'tsconfig.build.json',
])

const tree = mkdtempSync(path.join(tmpdir(), 'taillight-kqueue-'))
// On every exit, fail() included.
process.on('exit', () => rmSync(tree, { recursive: true, force: true }))
cpSync(path.join(root, 'binding.gyp'), path.join(tree, 'binding.gyp'))
cpSync(path.join(root, 'native'), path.join(tree, 'native'), { recursive: true })
// binding.gyp finds node-addon-api with `node -p "require(...)"` run in the copy.
symlinkSync(path.join(root, 'node_modules'), path.join(tree, 'node_modules'), 'dir')
run('building the kqueue addon', process.execPath, [
  path.join(root, 'scripts/build-native.mjs'),
  '--strict',
  `--directory=${tree}`,
  `--taillight-kqueue-prefix=${prefix}`,
])
const addon = path.join(tree, 'build/Release/taillight.node')
const probe = spawnSync(process.execPath, ['-p', `require(${JSON.stringify(addon)}).backend`], {
  encoding: 'utf8',
})
const backend = probe.stdout.trim()
if (backend !== 'kqueue') {
  fail(`${addon} reports backend "${backend || probe.stderr.trim()}", expected "kqueue"`)
}
console.log(`test:kqueue: ${addon} (kqueue on ${prefix}); running ${SUITES.join(' ')}`)
const vitest = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...SUITES],
  {
    cwd: root,
    stdio: 'inherit',
    // CI=1: a kqueue build that fails to load must fail these suites, not skip them.
    env: {
      ...process.env,
      CI: '1',
      TAILLIGHT_NATIVE_PATH: addon,
      TAILLIGHT_EXPECT_BACKEND: 'kqueue',
    },
  }
)
process.exitCode = vitest.status ?? 1
