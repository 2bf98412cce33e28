/**
 * @module pullBody: a response body produced one piece per pull, so what a response holds is
 * one piece, whatever the size of the answer or the speed of the client.
 *
 * highWaterMark 0: nothing is produced ahead of the consumer (the runtime asks for the next
 * piece only once the socket took the last one; @hono/node-server waits for 'drain'). A body
 * the consumer has not pulled for `idleMs` is cancelled and its connection dropped: the client
 * that stopped reading resumes from the file when it comes back, and costs nothing meanwhile.
 */

/** The next piece of the body, or null at its end. */
export type Produce = () => Promise<string | Uint8Array | null>

export interface PullBodyOptions {
  /** The route, for the error of an undrained body. */
  path: string
  /** Cancel the body after this long without a pull (ms); 0 disables. */
  idleMs: number
  /**
   * Drops the connection of an undrained body. A runtime waiting for the socket to drain does not
   * read the stream meanwhile, so erroring the stream alone would free nothing (the Node adapter
   * destroys the ServerResponse).
   */
  drop?: () => void
  /** Releases what the producer holds (a reader, a file handle) when the body ends early. */
  onCancel?: () => void
}

const encoder = new TextEncoder()

export function pullBody(produce: Produce, opts: PullBodyOptions): ReadableStream<Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined
  let ended = false
  const disarm = () => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
  }
  const end = (early: boolean) => {
    if (ended) return
    ended = true
    disarm()
    if (early) opts.onCancel?.()
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        disarm()
        let bytes: Uint8Array | null = null
        try {
          while (bytes === null || bytes.length === 0) {
            const piece = await produce()
            if (piece === null) break
            bytes = typeof piece === 'string' ? encoder.encode(piece) : piece
          }
        } catch (err) {
          end(true)
          controller.error(err)
          return
        }
        if (ended) return // cancelled while the piece was being read
        if (bytes === null || bytes.length === 0) {
          end(false)
          controller.close()
          return
        }
        controller.enqueue(bytes)
        if (opts.idleMs <= 0) return
        timer = setTimeout(() => {
          end(true)
          // The adapter's close of the connection cancels the stream; an error on top would only
          // be logged by it as a failed response.
          if (opts.drop) return opts.drop()
          const err = new Error(`response not drained for ${opts.idleMs} ms`)
          controller.error(Object.assign(err, { code: 'undrained', path: opts.path }))
        }, opts.idleMs)
      },
      cancel() {
        end(true)
      },
    },
    { highWaterMark: 0 }
  )
}
