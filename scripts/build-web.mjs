// Bundles the browser viewer (web/src/main.ts) into web/dist/, which the server serves at / and /log.
// Kept dependency-free beyond esbuild so `npm run build` works in a fresh `npm ci` checkout.
import { build } from 'esbuild'
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises'
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

const options = {
  entryPoints: [join(webDir, 'src', 'main.ts')],
  outfile: join(outDir, 'app.js'),
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

if (watch) {
  const { context } = await import('esbuild')
  const ctx = await context(options)
  await ctx.watch()
  console.log('build-web: watching web/src')
} else {
  const result = await build({ ...options, metafile: true })
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
  console.log(`build-web: web/dist written (${(bytes / 1024).toFixed(1)} KiB)`)
}
