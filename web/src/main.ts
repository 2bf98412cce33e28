/**
 * @module Entry point of the page's bundle, app.js: starts the viewer. The stream worker has a
 * bundle of its own (worker-main.ts), named for its content, which the page starts by that name.
 */
import { runPage } from './page-main.js'

runPage((document.currentScript as HTMLScriptElement | null)?.src ?? 'app.js')
