/**
 * @module The page's first steps, run by boot.js from the page's <head> before the viewer's
 * bundle (app.js) has arrived: start the stream worker, ask it for the stream, ask for the file
 * list. What the worker says before the viewer exists is held for the WorkerStream that adopts
 * the stream (see openEarly). app.js takes these steps itself when boot.js did not run.
 */
import { Api, type FileInfoJson } from './api.js'
import type { PageParams } from './page-params.js'
import { openEarly, type EarlyStream } from './worker-early.js'

/** The stream worker's bundle, named for its content by the web build (scripts/build-web.mjs). */
declare const __STREAM_WORKER__: string

export interface Boot {
  worker?: Worker
  early?: EarlyStream
  files: Promise<FileInfoJson[]>
}

const KEY = '__taillightBoot'
type Slot = Record<typeof KEY, Boot | null | undefined>

/** `script`: the address of the running script; the worker's bundle sits beside it. */
export function boot(p: PageParams, script: string): Boot {
  const worker = p.worker ? startWorker(script) : undefined
  const early =
    worker && !p.permalink
      ? openEarly(worker, {
          base: p.base,
          token: p.token,
          file: p.asked,
          initLines: p.initLines,
          cap: p.cap,
        })
      : undefined
  const files = new Api(p.base, p.token).files()
  // Awaited by startPage, which reports a failure: not an unhandled rejection before it runs.
  files.catch(() => undefined)
  return { worker, early, files }
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
