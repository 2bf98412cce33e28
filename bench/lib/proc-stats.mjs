/**
 * @module What a server under test costs, read from /proc (Linux) so the measuring process adds
 * nothing to it: CPU seconds, RSS, peak RSS (VmHWM, which catches a peak between two samples),
 * and the same summed over a process tree for servers that fork helpers (websocketd's tails).
 */
import { readdirSync, readFileSync } from 'node:fs'

/** utime + stime of pid, in seconds (clock ticks are 100 Hz on Linux). */
export function cpuSeconds(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(f[11]) + Number(f[12])) / 100
}

function statusKb(pid, field) {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0 // exited
  }
}

/** Resident set size in MB; 0 once the process is gone. */
export const rssMb = (pid) => statusKb(pid, 'VmRSS') / 1024

/** Peak resident set size since the process started (VmHWM) in MB; 0 once it is gone. */
export const peakRssMb = (pid) => statusKb(pid, 'VmHWM') / 1024

/** pid and all its descendants (a Go program forks from any of its threads: read every task). */
export function treePids(pid) {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${out[i]}/task`)) {
        const kids = readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim()
        if (kids) out.push(...kids.split(' ').map(Number))
      }
    } catch {
      // exited meanwhile
    }
  }
  return out
}

export function cpuSecondsTree(pid) {
  let sum = 0
  for (const p of treePids(pid)) {
    try {
      sum += cpuSeconds(p)
    } catch {
      // exited meanwhile
    }
  }
  return sum
}

/** Proportional set size of a process tree, MB: shared pages are split between the sharers. */
export function pssMbTree(pid) {
  let kb = 0
  for (const p of treePids(pid)) {
    try {
      kb += Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, 'utf8'))[1])
    } catch {
      // exited meanwhile
    }
  }
  return kb / 1024
}

/** Samples `measure(pid)` every `ms` and keeps the largest; stop() returns it. */
export function maxSampler(pid, measure = rssMb, ms = 250) {
  let max = 0
  const take = () => (max = Math.max(max, measure(pid)))
  const timer = setInterval(take, ms)
  return {
    get max() {
      return max
    },
    stop() {
      clearInterval(timer)
      take()
      return max
    },
  }
}
