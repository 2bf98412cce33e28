/**
 * Temporary directories and bounded waits for file-system tests.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach } from 'vitest'

export async function tempDir(
  prefix = 'taillight-'
): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * Polls `pred` until it holds; rejects after `ms` with `what` in the message, so a regression
 * fails fast with a reason instead of idling until the runner's timeout.
 */
export async function waitFor(pred: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * A fresh temporary directory for each test of the calling describe block, removed afterwards,
 * together with everything handed to `track` (closed first, newest first).
 */
export function useTempDir(): {
  readonly dir: string
  track<T extends { close(): Promise<unknown> }>(x: T): T
} {
  let dir = ''
  let cleanup = async (): Promise<void> => undefined
  const open: { close(): Promise<unknown> }[] = []
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDir())
  })
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close()
    await cleanup()
  })
  return {
    get dir() {
      return dir
    },
    track(x) {
      open.push(x)
      return x
    },
  }
}
