/**
 * @module Forward reads of the merged view, the pure part: of the lines each file has after the
 * view's end, the oldest `limit` of them all in timestamp order. A file whose read stopped at
 * its byte budget may have older lines than another file's next one still unread, so the merge
 * stops where such a file's lines run out: the page ends at a cut in time, as scrollback does.
 */
import { stamps, type Taken } from './merge-newest.js'

/**
 * The oldest `limit` lines of all lists (each in file order), merged oldest first. `cut[f]`:
 * file f has more lines after its list (not read yet); the merge ends when its list does.
 */
export function takeOldest(
  lists: readonly (readonly string[])[],
  limit: number,
  cut: readonly boolean[]
): Taken {
  const ts = lists.map(stamps)
  const heads = lists.map(() => 0)
  const lines: string[] = []
  const files: number[] = []
  while (lines.length < limit) {
    // The oldest head; on a tie the earlier file, as the live merge puts it first.
    let best = -1
    let stop = false
    for (let f = 0; f < lists.length; f++) {
      const h = heads[f] as number
      if (h >= (lists[f] as readonly string[]).length) {
        if (cut[f]) stop = true
        continue
      }
      if (best < 0 || (ts[f] as number[])[h]! < (ts[best] as number[])[heads[best] as number]!)
        best = f
    }
    if (stop || best < 0) break
    const h = heads[best] as number
    heads[best] = h + 1
    lines.push((lists[best] as readonly string[])[h] as string)
    files.push(best)
  }
  return { lines, files, taken: heads }
}
