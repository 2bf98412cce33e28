/**
 * @module One clock for writers and clients in different processes: performance.timeOrigin +
 * performance.now() is wall-clock time with sub-millisecond resolution, so a timestamp written
 * into a line by one process can be subtracted from the arrival time in another.
 */

export const now = () => performance.timeOrigin + performance.now()

export const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)))

/** A sleep that does not keep the process alive (for time limits raced against a run). */
export const timeout = (ms) => new Promise((r) => setTimeout(r, ms).unref())
