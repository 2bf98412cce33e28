/**
 * @module What the CLI calls for `--redis URL`: the watcher role (files given) and the edge
 * role (no files). Both return a `health()` for /health and, through renderRedisMetrics, lines
 * for /metrics. See docs/deploy.md for the design and the operations side.
 */
export {
  startWatcherPublishing,
  type WatcherOptions,
  type WatcherPublishing,
} from './watcher/role.js'
export { createEdgeSources, type EdgeOptions, type EdgeSources } from './edge/role.js'
export { renderRedisMetrics, type RedisHealth } from './health.js'
export type { EdgeSource } from './edge/source.js'
export { entrySize } from './protocol.js'
