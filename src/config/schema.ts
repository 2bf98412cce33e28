/**
 * @module The shape of a taillight config file, checked node by node so that every error names
 * the line and key it is about.
 *
 * Option keys mirror the command-line flags (`max-clients`, or `max_clients`) and come out as
 * strings with the name of their origin, so cli-options.ts applies the very same checks to a
 * value from the file as to one from a flag. What only the file can say is checked here:
 * `files:` entries, and `alerts:` rules (alerts-schema.ts) whose `files` name entries by `id`
 * or path pattern, which is why every entry may carry an `id` of its own.
 */
import type { Node, Scalar, YAMLMap, YAMLSeq } from 'yaml'
import type { AlertSpec } from '../alerts/rule.js'
import { readAlerts } from './alerts-schema.js'
import { loadYaml } from './lazy-deps.js'

const isMap = (n: unknown): n is YAMLMap => loadYaml().isMap(n)
const isSeq = (n: unknown): n is YAMLSeq => loadYaml().isSeq(n)
const isScalar = (n: unknown): n is Scalar => loadYaml().isScalar(n)

export interface FileSpec {
  /** A path, a pattern (`*`, `?`, `[`) or a directory, as written. */
  path: string
  id?: string
  /** Only requests whose identity has one of these groups see this file. */
  groups?: readonly string[]
  /** Lines sent on connect for this file. */
  lines?: number
}

/** A value for an option, with the name its errors use: `FILE:LINE: key`. */
export interface Sourced {
  value: string
  name: string
}

export interface ConfigValues {
  options: Map<string, Sourced>
  files: FileSpec[]
  alerts: AlertSpec[]
}

/** Flag-like keys and whether they take a string, a number, a boolean or a list. */
const OPTIONS: Record<string, 'string' | 'int' | 'bool' | 'list' | 'int-or-word'> = {
  host: 'string',
  port: 'int',
  lines: 'int',
  poll: 'bool',
  edge: 'bool',
  'redis-cluster': 'bool',
  'token-file': 'string',
  'allowed-hosts': 'list',
  'max-clients': 'int',
  'max-files': 'int',
  history: 'int',
  redis: 'string',
  'redis-maxlen': 'int',
  'redis-lease': 'int',
  // A number or `auto`: cli-options.ts checks it as it checks --workers.
  workers: 'int-or-word',
  'public-url': 'string',
  'allow-insecure-dir': 'bool',
}
const AUTH = new Set(['jwks', 'issuer', 'audience'])
const FILE_KEYS = new Set(['path', 'id', 'groups', 'lines'])
export const MAX_ENTRIES = 1_000
const ID = /^[A-Za-z0-9._-]{1,128}$/

export class ConfigError extends Error {
  readonly code = 'E_CONFIG'
  constructor(
    readonly path: string,
    readonly line: number,
    readonly key: string,
    problem: string
  ) {
    // Line 0 and key '' are for the file as a whole (unreadable, not YAML at all).
    super(`${path}${line > 0 ? `:${line}` : ''}: ${key === '' ? '' : `${key} `}${problem}`)
  }
}

/** Which file a node came from, and its line there (1-based). */
export interface Place {
  file: string
  lineOf(node: Node | null | undefined): number
}

export type Where = (node: Node | null | undefined, key: string, problem: string) => ConfigError

/** Reads the document's root node (null for an empty file). */
export function readConfig(root: unknown, place: Place): ConfigValues {
  const where: Where = (n, key, problem) =>
    new ConfigError(place.file, place.lineOf(n), key, problem)
  const name = (n: Node | null, key: string) => `${place.file}:${place.lineOf(n)}: ${key}`
  const out: ConfigValues = { options: new Map(), files: [], alerts: [] }
  if (root === null || root === undefined) return out
  if (!isMap(root)) throw where(root as Node, '(top level)', 'must be a map of keys')
  for (const { key: k, value: v } of eachPair(root, '', where)) {
    const norm = k.replace(/_/g, '-')
    const node = v as Node
    if (norm === 'files') out.files = files(node, where)
    else if (norm === 'auth') auth(node, out.options, where, name)
    else if (norm === 'alerts') out.alerts = readAlerts(node, where)
    else if (OPTIONS[norm]) {
      out.options.set(norm, {
        value: option(norm, OPTIONS[norm], node, where),
        name: name(node, k),
      })
    } else throw where(node, k, 'is not a known key')
  }
  return out
}

export function* eachPair(map: YAMLMap, prefix: string, where: Where) {
  const seen = new Set<string>()
  for (const pair of map.items) {
    const keyNode = pair.key as Node
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw where(keyNode, prefix || '(top level)', 'has a key that is not a plain name')
    }
    const norm = keyNode.value.replace(/_/g, '-')
    if (seen.has(norm)) throw where(keyNode, prefix + keyNode.value, 'is given twice')
    seen.add(norm)
    yield { key: keyNode.value, value: pair.value, keyNode }
  }
}

export function scalar(node: Node | null, key: string, where: Where): string | number | boolean {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') {
    throw where(node, key, 'must be a single value')
  }
  return node.value as string | number | boolean
}

/** The value as the flag would spell it; range checks are the flag's (cli-options.ts). */
function option(key: string, kind: string, node: Node | null, where: Where): string {
  if (kind === 'list') return stringList(node, key, where).join(',')
  const v = scalar(node, key, where)
  if (kind === 'bool' && typeof v !== 'boolean') throw where(node, key, 'must be true or false')
  if (kind === 'int' && typeof v !== 'number') throw where(node, key, 'must be a number')
  if (kind === 'string' && typeof v !== 'string') throw where(node, key, 'must be a string')
  if (kind === 'int-or-word' && typeof v !== 'number' && typeof v !== 'string') {
    throw where(node, key, 'must be a number or a word')
  }
  return kind === 'bool' ? (v ? '1' : '0') : String(v)
}

function auth(
  node: Node | null,
  into: Map<string, Sourced>,
  where: Where,
  name: (n: Node | null, key: string) => string
): void {
  if (!isMap(node)) throw where(node, 'auth', 'must be a map with jwks, issuer, audience')
  for (const { key, value } of eachPair(node, 'auth.', where)) {
    const k = `auth.${key}`
    if (!AUTH.has(key)) throw where(value as Node, k, 'is not a known key (jwks, issuer, audience)')
    const n = value as Node
    into.set(`auth-${key}`, { value: option(k, 'string', n, where), name: name(n, k) })
  }
}

export function stringList(node: Node | null, key: string, where: Where): string[] {
  if (!isSeq(node)) throw where(node, key, 'must be a list of strings')
  return node.items.map((item) => {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value === '') {
      throw where(item as Node, key, 'must be a list of strings')
    }
    return item.value
  })
}

function files(node: Node | null, where: Where): FileSpec[] {
  if (!isSeq(node)) throw where(node, 'files', 'must be a list of paths or {path, ...} entries')
  if (node.items.length > MAX_ENTRIES)
    throw where(node, 'files', `has more than ${MAX_ENTRIES} entries`)
  const ids = new Set<string>()
  return node.items.map((item, i) => {
    const at = `files[${i}]`
    const spec = isMap(item) ? fileEntry(item, at, where) : { path: '' }
    if (!isMap(item)) {
      const v = isScalar(item) ? item.value : undefined
      if (typeof v !== 'string')
        throw where(item as Node, at, 'must be a path or a {path, ...} entry')
      spec.path = v
    }
    if (spec.path === '' || spec.path.includes('\0'))
      throw where(item as Node, `${at}.path`, 'must be a non-empty path')
    if (spec.id !== undefined) {
      if (ids.has(spec.id)) throw where(item as Node, `${at}.id`, `'${spec.id}' is used twice`)
      ids.add(spec.id)
    }
    return spec
  })
}

function fileEntry(map: YAMLMap, at: string, where: Where): FileSpec {
  const spec: FileSpec = { path: '' }
  for (const { key, value } of eachPair(map, `${at}.`, where)) {
    const node = value as Node
    const k = `${at}.${key}`
    if (!FILE_KEYS.has(key)) throw where(node, k, 'is not a known key (path, id, groups, lines)')
    if (key === 'groups') spec.groups = stringList(node, k, where)
    else if (key === 'lines') {
      const v = scalar(node, k, where)
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 10_000) {
        throw where(node, k, 'must be an integer from 0 to 10000')
      }
      spec.lines = v
    } else {
      const v = scalar(node, k, where)
      if (typeof v !== 'string') throw where(node, k, 'must be a string')
      if (key === 'id' && !ID.test(v)) {
        throw where(node, k, 'must be 1 to 128 letters, digits, dots, dashes or underscores')
      }
      if (key === 'id') spec.id = v
      else spec.path = v
    }
  }
  if (spec.path === '') throw where(map, `${at}.path`, 'is missing')
  return spec
}
