/**
 * @module The `alerts:` key of a config file: a list of rules `{match, webhook, files?, name?,
 * every?}`, each value checked where it is written (RE2 syntax, http(s) webhook, a window of
 * whole seconds), so --check-config catches a broken rule before a server runs.
 */
import type { Node, YAMLMap } from 'yaml'
import { matchProblem, MAX_RULES, webhookProblem, DEFAULT_EVERY } from '../alerts/rule.js'
import type { AlertSpec } from '../alerts/rule.js'
import { loadYaml } from './lazy-deps.js'
import { eachPair, scalar, stringList, type Where } from './schema.js'

const KEYS = new Set(['match', 'webhook', 'files', 'name', 'every'])
const NAME = /^[A-Za-z0-9._-]{1,64}$/

export function readAlerts(node: Node | null, where: Where): AlertSpec[] {
  const { isMap, isSeq } = loadYaml()
  if (!isSeq(node)) throw where(node, 'alerts', 'must be a list of {match, webhook, ...} rules')
  if (node.items.length > MAX_RULES) {
    throw where(node, 'alerts', `has more than ${MAX_RULES} rules`)
  }
  const names = new Set<string>()
  return node.items.map((item, i) => {
    const at = `alerts[${i}]`
    if (!isMap(item)) throw where(item as Node, at, 'must be a {match, webhook, ...} rule')
    const rule = alertEntry(item, at, i, where)
    if (names.has(rule.name)) throw where(item, `${at}.name`, `'${rule.name}' is used twice`)
    names.add(rule.name)
    return rule
  })
}

function alertEntry(map: YAMLMap, at: string, i: number, where: Where): AlertSpec {
  const out: Partial<AlertSpec> = {}
  for (const { key, value } of eachPair(map, `${at}.`, where)) {
    const node = value as Node
    const k = `${at}.${key}`
    if (!KEYS.has(key)) {
      throw where(node, k, 'is not a known key (match, webhook, files, name, every)')
    }
    if (key === 'files') {
      out.files = stringList(node, k, where)
      continue
    }
    const v = scalar(node, k, where)
    if (key === 'every') {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 86_400) {
        throw where(node, k, 'must be a whole number of seconds from 1 to 86400')
      }
      out.every = v
      continue
    }
    if (typeof v !== 'string' || v === '') throw where(node, k, 'must be a non-empty string')
    const problem =
      key === 'match'
        ? matchProblem(v)
        : key === 'webhook'
          ? webhookProblem(v)
          : NAME.test(v)
            ? undefined
            : 'must be 1 to 64 letters, digits, dots, dashes or underscores'
    if (problem) throw where(node, k, problem)
    if (key === 'match') out.match = v
    else if (key === 'webhook') out.webhook = v
    else out.name = v
  }
  if (out.match === undefined) throw where(map, `${at}.match`, 'is missing')
  if (out.webhook === undefined) throw where(map, `${at}.webhook`, 'is missing')
  const spec: AlertSpec = {
    name: out.name ?? `rule-${i + 1}`,
    match: out.match,
    webhook: out.webhook,
    every: out.every ?? DEFAULT_EVERY,
  }
  if (out.files) spec.files = out.files
  return spec
}
