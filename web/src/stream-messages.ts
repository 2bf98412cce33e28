/**
 * @module The messages between the page and its stream worker (types only). The worker owns the
 * EventSource: parsing the stream and its JSON is most of the cost of a burst, and off the main
 * thread it cannot lengthen a frame. The page pulls whole events by credit (lines it has room
 * for), and every message carries the generation of the start it belongs to, so nothing from
 * a stopped stream is ever applied.
 */
import type { InitEvent, SkippedEvent } from '../../src/core/protocol.js'
import type { ConnStatus } from './connection.js'

export type ToWorker =
  | {
      cmd: 'open'
      gen: number
      base: string
      token: string | null
      file?: string
      initLines?: number
      cap: number
    }
  | { cmd: 'start'; gen: number; cursor?: string }
  | { cmd: 'stop'; gen: number }
  | { cmd: 'reconnect' }
  | { cmd: 'pull'; gen: number; lines: number }

export type StreamItem =
  | { k: 'lines'; lines: string[]; cursor?: string }
  | { k: 'skipped'; range: SkippedEvent }
  | { k: 'notice'; type: string; data: Record<string, unknown>; id?: string }

export type FromWorker =
  | { t: 'status'; gen: number; s: ConnStatus }
  | { t: 'init'; gen: number; ev: InitEvent; cursor?: string }
  | { t: 'reset'; gen: number; data: Record<string, unknown> }
  | { t: 'items'; gen: number; items: StreamItem[]; lines: number }
