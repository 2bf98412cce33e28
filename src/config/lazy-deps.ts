/**
 * @module yaml and picomatch, loaded on first use: every start of the command would otherwise
 * pay for parsing them (a few hundred ms on a busy machine), also with no config file and no
 * pattern. Both packages ship CommonJS, so a synchronous require keeps parseCli synchronous.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
let yaml: typeof import('yaml') | undefined
let picomatch: typeof import('picomatch') | undefined

export const loadYaml = (): typeof import('yaml') => (yaml ??= require('yaml'))
export const loadPicomatch = (): typeof import('picomatch') => (picomatch ??= require('picomatch'))
