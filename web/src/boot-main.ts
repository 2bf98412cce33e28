/**
 * @module Entry point of boot.js, the page's first script (in <head>, a few KiB): the stream
 * starts before the viewer's bundle has been downloaded and parsed (page-boot.ts).
 */
import { boot, booted, leaveBoot } from './page-boot.js'
import { pageParams } from './page-params.js'

if (!booted())
  leaveBoot(
    boot(pageParams(), (document.currentScript as HTMLScriptElement | null)?.src ?? 'boot.js')
  )
