/**
 * @module Latency percentiles. A fixed-bucket histogram keeps a load process's memory flat however
 * many samples it takes (millions of lines times thousands of clients); a sorted array is fine
 * for the few hundred samples of the follower benchmark.
 */

export class Histogram {
  /** `perMs` buckets a millisecond (10: 0.1 ms) up to `maxMs`; larger samples go in the last. */
  constructor(perMs = 10, maxMs = 10_000) {
    this.perMs = perMs
    this.counts = new Uint32Array(Math.ceil(maxMs * perMs))
    this.n = 0
    this.max = 0
  }

  add(ms) {
    if (ms > this.max) this.max = ms
    const i = Math.floor(ms * this.perMs)
    this.counts[Math.min(this.counts.length - 1, Math.max(0, i))]++
    this.n++
  }

  /** The middle of the bucket holding quantile p (0..1); undefined without samples. */
  pct(p) {
    if (!this.n) return undefined
    let acc = 0
    for (let i = 0; i < this.counts.length; i++)
      if ((acc += this.counts[i]) >= this.n * p) return (i + 0.5) / this.perMs
    return this.max
  }
}

/** Quantile p (0..100) of an ascending array: the sample at floor(p% of the length). */
export const pctSorted = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]
