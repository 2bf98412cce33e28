/**
 * @module Rotated-away generations still being read, and when each may be let go.
 *
 * A writer that has not reopened its log yet keeps appending to the old file (logrotate without
 * copytruncate, a slow daemon): the old handle stays open and is read for a grace time after its
 * last change, longer while it is still written, but never past a hard cap. The deadlines live
 * here and nowhere else.
 */
import type { Generation } from './generation.js'

interface Draining {
  readonly g: Generation
  readonly started: number
  until: number
}

export class DrainSet {
  private entries: Draining[] = []

  constructor(
    private readonly graceMs: number,
    private readonly graceMaxMs: number
  ) {}

  get size(): number {
    return this.entries.length
  }

  /** The generations, oldest first (a copy: the caller may finish some while iterating). */
  generations(): Generation[] {
    return this.entries.map((e) => e.g)
  }

  find(gen: number): Generation | null {
    return this.entries.find((e) => e.g.gen === gen)?.g ?? null
  }

  add(g: Generation, now = Date.now()): void {
    this.entries.push({ g, started: now, until: now + this.graceMs })
  }

  /**
   * After a read of `g` (`atEof`: it reached the end of the file): extends its deadline by its
   * last change, and tells whether it may be let go now. The caller then calls remove().
   */
  expired(g: Generation, atEof: boolean, now = Date.now()): boolean {
    const e = this.entries.find((d) => d.g === g)
    if (!e) return true
    const cap = e.started + this.graceMaxMs
    e.until = Math.min(cap, Math.max(e.until, g.file.lastChange + this.graceMs))
    return atEof && now >= e.until
  }

  remove(g: Generation): void {
    this.entries = this.entries.filter((e) => e.g !== g)
  }

  /** Removes and returns every generation (on close). */
  clear(): Generation[] {
    const all = this.generations()
    this.entries = []
    return all
  }

  /** Time until the earliest deadline, at least `floor` ms, at most `max`. */
  nextDelay(max: number, floor = 10, now = Date.now()): number {
    let delay = max
    for (const e of this.entries) delay = Math.min(delay, Math.max(floor, e.until - now))
    return delay
  }
}
