/**
 * @module The lease that makes one watcher of a file the leader; the others stand by.
 *
 * Acquire is `SET NX PX` plus `INCR` of the file's epoch in one script (or, held by another,
 * the holder's remaining TTL: a standby tries again right when it runs out); renew and release
 * compare the owner token first (the Redis distributed-lock recipe). The lease alone cannot
 * stop a leader paused past its TTL, so every append carries the epoch it was elected with and
 * the append script refuses any other (commands.ts): a stale leader is fenced by Redis itself.
 * Locally the leader stops at the deadline minus a margin, the deadline counted from the send
 * time of the last successful renew on the monotonic clock, so a slow reply never extends it.
 * The epoch never goes back for this process: after a failover to a replica that lost the
 * key, the next election starts above the highest epoch it has seen.
 */
import type { RedisConn } from '../conn.js'
import { errorText } from '../commands.js'

const ACQUIRE = `local cur = redis.call('GET', KEYS[1])
if cur ~= ARGV[1] and not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
local t = redis.call('PTTL', KEYS[1]) if t < 1 then t = tonumber(ARGV[2]) end return -t end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local e = redis.call('INCR', KEYS[2])
local m = tonumber(ARGV[3])
if e <= m then e = m + 1 redis.call('SET', KEYS[2], e) end
return e`
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[3] then
return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

export interface LeaseOptions {
  /** Lease time to live (default 5,000 ms): a dead leader is replaced within about this. */
  ttlMs?: number
  /** Renew (or, standing by, try to acquire) this often (default 1,500 ms). */
  renewMs?: number
  /** Stop leading this long before the deadline (default 500 ms). */
  marginMs?: number
}

export interface LeaseKeys {
  lease: string
  epoch: string
}

export class Lease {
  leader = false
  /** Wall clock when this process became leader (for /health), null while standing by. */
  since: number | null = null
  epoch = 0
  elections = 0
  /**
   * Redis said another watcher holds the lease (at the last try). True until the first answer:
   * a file that just started matching is not alerted on twice in the moment before it.
   */
  elsewhere = true
  lastError: string | null = null
  private deadline = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private closed = false
  private running = false
  /** Standing by: when to try again (the holder's remaining TTL, at most renewMs). */
  private retryIn = 0
  /** lost() during a tick: try to acquire right after it. */
  private again = false
  readonly owner = crypto.randomUUID()
  private readonly ttl: number
  private readonly renewMs: number
  private readonly margin: number

  constructor(
    private readonly conn: RedisConn,
    private readonly keys: LeaseKeys,
    private readonly onChange: (leader: boolean) => void,
    o: LeaseOptions = {}
  ) {
    this.ttl = o.ttlMs ?? 5000
    this.renewMs = o.renewMs ?? Math.max(50, Math.floor(this.ttl * 0.3))
    this.margin = o.marginMs ?? Math.min(500, Math.floor(this.ttl / 10))
    void this.tick()
  }

  /** Leader, and by this process's clock still within the lease (a paused one may not be). */
  get holds(): boolean {
    return this.leader && performance.now() < this.deadline - this.margin
  }

  /** The append script said FENCED: someone else was elected, or Redis lost the epoch. */
  lost(): void {
    this.stepDown()
    // Try again at once: after a failover that lost the keys nobody else holds the lease.
    if (this.running) this.again = true
    else if (!this.closed) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = setTimeout(() => void this.tick(), 0)
    }
  }

  private stepDown(): void {
    if (!this.leader) return
    this.leader = false
    this.since = null
    this.onChange(false)
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    const wasLeader = this.leader
    this.stepDown()
    if (wasLeader && this.conn.state === 'ready') {
      await this.eval(RELEASE, []).catch(() => undefined)
    }
  }

  private eval(script: string, args: string[]): Promise<unknown> {
    const { lease, epoch } = this.keys
    return this.conn.client.sendCommand(['EVAL', script, '2', lease, epoch, this.owner, ...args])
  }

  private async tick(): Promise<void> {
    if (this.closed) return
    this.running = true
    this.again = false
    this.retryIn = this.renewMs
    const sent = performance.now()
    let elsewhere = false
    try {
      if (this.conn.state === 'ready') {
        if (this.leader) {
          const ok = await this.eval(RENEW, [String(this.ttl), String(this.epoch)])
          if (Number(ok) === 1) this.deadline = sent + this.ttl
          else {
            // Taken over (or the epoch moved on): the one elected now speaks for the file.
            elsewhere = true
            this.stepDown()
          }
        } else {
          const e = Number(await this.eval(ACQUIRE, [String(this.ttl), String(this.epoch)]))
          // Held by another: try again just after its lease would run out, not a renew later.
          elsewhere = e < 0
          if (e < 0) this.retryIn = Math.min(this.renewMs, Math.max(20, -e + 10))
          else if (e > 0 && !this.closed) {
            this.epoch = e
            this.deadline = sent + this.ttl
            this.leader = true
            this.since = Date.now()
            this.elections++
            this.onChange(true)
          }
        }
      }
      this.lastError = null
    } catch (err) {
      this.lastError = errorText(err)
    }
    this.running = false
    // Without an answer (Redis away) nobody is known to lead: this watcher counts as one.
    this.elsewhere = elsewhere
    if (this.closed) return
    // Wake at the next renew or at the local deadline, whichever is first.
    const left = this.deadline - this.margin - performance.now()
    if (this.leader && left <= 0) this.stepDown()
    let wait = this.leader ? Math.min(this.renewMs, Math.max(0, left)) : this.retryIn
    if (this.again) wait = 0
    this.timer = setTimeout(() => void this.tick(), wait)
  }
}
