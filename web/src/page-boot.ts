/**
 * @module The page's first steps, run by boot.js (right after the log element) before the
 * viewer's bundle (app.js) has arrived: show the lines the page carries (page-seed.ts), start
 * the stream worker, ask it for the stream (resumed where those lines end), ask for the file
 * list. What the worker says before the viewer exists is held for the WorkerStream that adopts
 * the stream (see openEarly). app.js takes these steps itself when boot.js did not run.
 */
import { Api, type FileInfoJson } from './api.js'
import type { PageParams } from './page-params.js'
import { readSeed, showSeed, type PageSeed } from './page-seed.js'
import { openEarly, type EarlyStream } from './worker-early.js'

/** The stream worker's bundle, named for its content by the web build (scripts/build-web.mjs). */
declare const __STREAM_WORKER__: string

export interface Boot {
  worker?: Worker
  early?: EarlyStream
  files: Promise<FileInfoJson[]>
  /** The first lines the page carried, shown already: the viewer's init. */
  seed?: PageSeed
}

const KEY = '__taillightBoot'
type Slot = Record<typeof KEY, Boot | null | undefined>

/** `script`: the address of the running script; the worker's bundle sits beside it. */
export function boot(p: PageParams, script: string): Boot {
  const worker = p.worker ? startWorker(script) : undefined
  // A permalink shows its own range, not the end; a seed of another file is not this page's.
  const found = p.permalink ? undefined : readSeed()
  const seed = found && (p.asked === undefined || p.asked === found.file) ? found : undefined
  const log = document.querySelector<HTMLElement>('main.log')
  if (seed && log) {
    showSeed(log, seed)
    performance.mark('taillight-seed')
  }
  const early =
    worker && !p.permalink
      ? openEarly(
          worker,
          {
            base: p.base,
            token: p.token,
            file: seed?.file ?? p.asked,
            initLines: p.initLines,
            cap: p.cap,
          },
          seed?.cursor
        )
      : undefined
  const files = new Api(p.base, p.token).files()
  // Awaited by startPage, which reports a failure: not an unhandled rejection before it runs.
  files.catch(() => undefined)
  return { worker, early, files, seed }
}

/** boot.js leaves its steps here; once app.js has taken them (or run without), null. */
export function leaveBoot(b: Boot): void {
  const slot = globalThis as unknown as Slot
  if (slot[KEY] === undefined) slot[KEY] = b
}

export function takeBoot(): Boot | undefined {
  const slot = globalThis as unknown as Slot
  const b = slot[KEY] ?? undefined
  slot[KEY] = null
  return b
}

/** The page has already started (boot.js ran late): a second worker would open a second stream. */
export function booted(): boolean {
  return (globalThis as unknown as Slot)[KEY] !== undefined
}

function startWorker(script: string): Worker | undefined {
  try {
    return new Worker(new URL(__STREAM_WORKER__, new URL(script, location.href)), {
      name: 'taillight-stream',
    })
  } catch {
    return undefined
  }
}
