/**
 * @module Pieces of a JSON object whose one array is streamed: the head up to the array's `[`,
 * the array's elements a page at a time, and the rest of the object after the `]`.
 *
 * The scalars that are known only once the array has been read go after it; key order means
 * nothing to a JSON reader. The bytes equal JSON.stringify of the whole object.
 */

/** `{"k":v,...,"array":[` for the fields before the array. */
export function jsonHead(fields: Record<string, unknown>, arrayKey: string): string {
  const head = JSON.stringify(fields)
  const open = `${JSON.stringify(arrayKey)}:[`
  return head === '{}' ? `{${open}` : `${head.slice(0, -1)},${open}`
}

/** `],"k":v,...}` for the fields after the array. */
export function jsonTail(fields: Record<string, unknown>): string {
  const tail = JSON.stringify(fields)
  return tail === '{}' ? ']}' : `],${tail.slice(1)}`
}

/** Array elements, comma-separated across calls. */
export class JsonItems {
  private count = 0

  get size(): number {
    return this.count
  }

  /** The JSON text of `values`, with the comma that joins them to earlier ones. */
  encode(values: readonly unknown[]): string {
    if (values.length === 0) return ''
    let out = this.count === 0 ? '' : ','
    for (let i = 0; i < values.length; i++) {
      if (i > 0) out += ','
      out += JSON.stringify(values[i])
    }
    this.count += values.length
    return out
  }
}

/**
 * The body of `{...head, [key]: [...every page of next()], ...tail()}` as pieces: the head with
 * the first page, one page per call after it, then the tail (read once next() returned null).
 */
export function jsonPieces<T>(
  head: Record<string, unknown>,
  key: string,
  next: () => Promise<readonly T[] | null>,
  tail: () => Record<string, unknown>
): () => Promise<string | null> {
  const items = new JsonItems()
  let stage: 'head' | 'items' | 'done' = 'head'
  return async () => {
    if (stage === 'done') return null
    const open = stage === 'head' ? jsonHead(head, key) : ''
    stage = 'items'
    const page = await next()
    if (page !== null) return open + items.encode(page)
    stage = 'done'
    return open + jsonTail(tail())
  }
}
