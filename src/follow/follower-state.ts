/**
 * @module What a follower is doing, as one value, changed in one place.
 *
 * The phase says whether the path names a file we follow, and which generation that is; the
 * rotated-away files still being read are a separate set. transition() is the only way to
 * change the phase, and it is where a generation that stops being current joins the draining
 * set, where 'missing' is announced, and where a closed follower refuses to start again, so the
 * public state cannot disagree with what is open.
 */
import type { FollowEvent, FollowerState } from '../core/types.js'
import { DrainSet } from './drain-set.js'
import type { Generation } from './generation.js'
import type { OpenFile } from './open-file.js'

export type ErrorEvent = Extract<FollowEvent, { type: 'error' }>

export type Phase =
  | { readonly kind: 'starting' }
  | { readonly kind: 'following'; readonly current: Generation }
  | { readonly kind: 'missing' }
  /** The path names something we cannot follow (not a regular file, no permission...). */
  | { readonly kind: 'error'; readonly code: string; readonly message: string }
  | { readonly kind: 'closed' }

export class FollowerStateMachine {
  readonly draining: DrainSet
  private _phase: Phase = { kind: 'starting' }
  private gens = 0
  /** The code of the last error event, so a condition that persists is reported once. */
  private reported: string | null = null

  constructor(
    private readonly path: string,
    graceMs: number,
    graceMaxMs: number,
    private readonly emit: (ev: FollowEvent) => void
  ) {
    this.draining = new DrainSet(graceMs, graceMaxMs)
  }

  get phase(): Phase {
    return this._phase
  }

  get kind(): FollowerState {
    return this._phase.kind
  }

  get current(): Generation | null {
    return this._phase.kind === 'following' ? this._phase.current : null
  }

  get closed(): boolean {
    return this._phase.kind === 'closed'
  }

  /** Generation numbers only grow, across files and truncations alike (0 means "no file"). */
  nextGen(): number {
    return ++this.gens
  }

  /** The open generation with that number (current or draining), if any. */
  generation(gen: number): Generation | null {
    const cur = this.current
    if (cur?.gen === gen) return cur
    return this.draining.find(gen)
  }

  /** Every open file, current and draining. */
  files(): OpenFile[] {
    const out = this.draining.generations().map((g) => g.file)
    const cur = this.current
    if (cur) out.push(cur.file)
    return out
  }

  /**
   * The only place the phase changes. Returns the previous phase, or null when closed (nothing
   * changes then: the caller closes whatever it opened for `next`). A current generation whose
   * file is not the next one's is moved to the draining set.
   */
  transition(next: Phase): Phase | null {
    const prev = this._phase
    if (prev.kind === 'closed') return null
    this._phase = next
    const kept = next.kind === 'following' ? next.current.file : null
    if (prev.kind === 'following' && prev.current.file !== kept) this.draining.add(prev.current)
    if (next.kind === 'missing' && prev.kind !== 'missing') {
      this.emit({ type: 'missing', path: this.path })
    }
    return prev
  }

  /** Emits an error event, unless it is the one reported last (a retry failing the same way). */
  report(ev: ErrorEvent): void {
    if (ev.code === this.reported) return
    this.reported = ev.code
    this.emit(ev)
  }

  /** Things work again: the next error is news. */
  recovered(): void {
    this.reported = null
  }
}
