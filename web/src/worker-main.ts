/**
 * @module Entry point of the stream worker's own bundle (stream-worker.<hash>.js): only the SSE
 * reader and its queue, not the viewer, so the worker is a small download that starts reading
 * the stream while the page is still building its toolbar.
 */
import { runStreamWorker } from './stream-worker.js'

runStreamWorker(self as unknown as Parameters<typeof runStreamWorker>[0])
