// Bundles the browser viewer (web/src/main.ts) into web/dist/, which the server serves at / and /log;
// its boot script (boot-main.ts: boot.js starts the stream before app.js has arrived); and the
// stream worker (web/src/worker-main.ts) into a bundle of its own: the worker needs only the SSE reader, so it starts without downloading and parsing the whole viewer again. Its name
// carries a hash of its content (stream-worker.<hash>.js), so the server can let browsers cache it
// for good (node-assets.ts) and a new build is never mixed with an old worker.
// Kept dependency-free beyond esbuild so `npm run build` works in a fresh `npm ci` checkout.
import { build } from 'esbuild'
import { createHash } from 'node:crypto'
import { copyFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const webDir = join(root, 'web')
const outDir = join(webDir, 'dist')
const watch = process.argv.includes('--watch')

await rm(outDir, { recursive: true, force: true })
await mkdir(outDir, { recursive: true })

// Static files (index.html, *.css, favicon) are copied as-is: the page has no templating.
for (const name of await readdir(webDir)) {
  if (/\.(html|css|svg|ico)$/.test(name)) await copyFile(join(webDir, name), join(outDir, name))
}

const common = {
  bundle: true,
  format: 'iife',
  target: 'es2020',
  minify: !watch,
  // Source maps show the page's source to anyone who can load it: only when asked for
  // (`npm run build:web -- --sourcemap`, or in watch mode while developing).
  sourcemap: watch || process.argv.includes('--sourcemap'),
  legalComments: 'none',
  logLevel: 'warning',
}

const workerEntry = { ...common, entryPoints: [join(webDir, 'src', 'worker-main.ts')] }
// Watch mode keeps one fixed worker name: its content changes under the page on every save.
let workerName = 'stream-worker.js'
let workerCode = new Uint8Array(0)
if (!watch) {
  const worker = await build({ ...workerEntry, write: false, sourcemap: false })
  workerCode = worker.outputFiles[0].contents
  const workerHash = createHash('sha256').update(workerCode).digest('hex').slice(0, 12)
  workerName = `stream-worker.${workerHash}.js`
  await writeFile(join(outDir, workerName), workerCode)
}

// The page starts the worker by this name, relative to its script (so --base-path keeps working).
const define = { __STREAM_WORKER__: JSON.stringify(workerName) }
const options = {
  ...common,
  entryPoints: [join(webDir, 'src', 'main.ts')],
  outfile: join(outDir, 'app.js'),
  define,
}
// boot.js, the page's first script: starts the worker and the stream before app.js arrives.
const bootOptions = {
  ...common,
  entryPoints: [join(webDir, 'src', 'boot-main.ts')],
  outfile: join(outDir, 'boot.js'),
  define,
}

if (watch) {
  const { context } = await import('esbuild')
  const ctx = await context(options)
  await ctx.watch()
  const workerCtx = await context({ ...workerEntry, outfile: join(outDir, workerName) })
  await workerCtx.watch()
  const bootCtx = await context(bootOptions)
  await bootCtx.watch()
  console.log('build-web: watching web/src')
} else {
  const booted = await build({ ...bootOptions, metafile: true })
  const bootBytes = Object.values(booted.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
  const result = await build({ ...options, metafile: true })
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
  const kib = (n) => (n / 1024).toFixed(1)
  console.log(
    `build-web: web/dist written (app.js ${kib(bytes)} KiB, boot.js ${kib(bootBytes)} KiB, ${workerName} ${kib(workerCode.length)} KiB)`
  )
}
