/**
 * @module The streamed body of a history route (lines, search, download): pulled a piece at a
 * time, each piece read inside a slot of the server's read pool, cut off when undrained.
 */
import type { Context } from 'hono'
import type { AppContext, AppEnv } from './context.js'
import { pullBody, type Produce } from './pull-body.js'

export function historyBody(
  ctx: AppContext,
  c: Context<AppEnv>,
  path: string,
  produce: Produce,
  onCancel?: () => void
): ReadableStream<Uint8Array> {
  const drop = ctx.bodies.drop
  return pullBody(produce, {
    path,
    idleMs: ctx.bodies.idleMs,
    drop: drop && (() => drop(c)),
    onCancel,
  })
}

/** A JSON response over a streamed body (c.json would build the whole text first). */
export function jsonStream(c: Context<AppEnv>, body: ReadableStream<Uint8Array>): Response {
  return c.body(body, 200, { 'Content-Type': 'application/json' })
}
