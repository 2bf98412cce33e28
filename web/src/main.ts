/**
 * @module Entry point of the one bundle, app.js: in the page it starts the viewer; loaded as the
 * stream worker (by the page, from the same URL) it runs the SSE connection off the main thread.
 */
import { runPage } from './page-main.js'
import { runStreamWorker } from './stream-worker.js'

if (typeof document === 'undefined')
  runStreamWorker(self as unknown as Parameters<typeof runStreamWorker>[0])
else runPage((document.currentScript as HTMLScriptElement | null)?.src ?? 'app.js')
