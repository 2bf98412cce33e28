/**
 * Records everything a Follower emits, with helpers to wait for lines.
 */
import type { FollowEvent, LogLine } from '../../src/core/types.js'
import type { Follower } from '../../src/follow/follower.js'
import { waitFor } from './fs.js'

export class Collector {
  readonly events: FollowEvent[] = []
  readonly lines: LogLine[] = []

  constructor(follower: Follower) {
    follower.on((e) => {
      this.events.push(e)
      if (e.type === 'lines') this.lines.push(...e.lines)
    })
  }

  get texts(): string[] {
    return this.lines.map((l) => l.text)
  }

  types(): string[] {
    return this.events.filter((e) => e.type !== 'lines').map((e) => e.type)
  }

  of<T extends FollowEvent['type']>(type: T): Extract<FollowEvent, { type: T }>[] {
    return this.events.filter((e): e is Extract<FollowEvent, { type: T }> => e.type === type)
  }

  async lineCount(n: number, ms = 5000): Promise<void> {
    await waitFor(
      () => this.lines.length >= n,
      `${n} lines (have ${this.lines.length}: ${JSON.stringify(this.texts.slice(-5))})`,
      ms
    )
  }

  async event(type: FollowEvent['type'], ms = 5000): Promise<void> {
    await waitFor(
      () => this.events.some((e) => e.type === type),
      `a '${type}' event (have ${this.types().join(',')})`,
      ms
    )
  }
}
