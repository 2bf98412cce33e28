/**
 * @module Reads a config file (YAML) into checked values, every error with file, line and key.
 *
 * yaml's Document API keeps the source range of each node; a LineCounter turns those offsets
 * into lines, so a wrong value deep in `files:` is reported where the operator wrote it.
 */
import { readFileSync } from 'node:fs'
import type { Node } from 'yaml'
import { loadYaml } from './lazy-deps.js'
import { patternProblem } from './file-set.js'
import { ConfigError, readConfig, type ConfigValues } from './schema.js'

/** Larger than any sensible config: a wrong path (a log file) fails fast instead of parsing. */
const MAX_BYTES = 1024 * 1024

export function loadConfig(path: string): ConfigValues {
  let text: string
  try {
    const buf = readFileSync(path)
    if (buf.byteLength > MAX_BYTES) {
      throw new ConfigError(path, 0, '', `is larger than ${MAX_BYTES} bytes`)
    }
    text = buf.toString('utf8')
  } catch (err) {
    if (err instanceof ConfigError) throw err
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
    throw new ConfigError(path, 0, '', `cannot be read (${code})`)
  }
  return parseConfig(path, text)
}

export function parseConfig(path: string, text: string): ConfigValues {
  const { LineCounter, parseDocument } = loadYaml()
  const lines = new LineCounter()
  // uniqueKeys is checked by readConfig (with `_` and `-` spelled alike); merge keys and custom
  // tags have no place in a config an operator reads.
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, merge: false })
  const bad = doc.errors[0]
  if (bad) {
    const line = bad.linePos?.[0].line ?? 1
    const first = (bad.message.split('\n')[0] as string).replace(/ at line \d+, column \d+:?$/, '')
    throw new ConfigError(path, line, '', `not valid YAML: ${first}`)
  }
  const lineOf = (n: Node | null | undefined) => {
    const at = n?.range?.[0]
    return at === undefined ? 1 : lines.linePos(at).line
  }
  const values = readConfig(doc.contents, { file: path, lineOf })
  // Patterns are checked now, so --check-config catches them before a server runs.
  const seq = doc.get('files', true) as { items?: Node[] } | undefined
  values.files.forEach((spec, i) => {
    const problem = patternProblem(spec.path)
    const where = (key: string, p: string) =>
      new ConfigError(path, lineOf(seq?.items?.[i]), `files[${i}]${key}`, p)
    if (problem) throw where('.path', problem)
    if (spec.id !== undefined && problem === undefined && /[*?[]/.test(spec.path)) {
      throw where('.id', 'names one file, so it cannot go with a pattern')
    }
  })
  return values
}
