/**
 * @module Loads older lines from /api/lines when the view reaches the top. After an init we only know the
 * cursor at its end and how many lines it held, so the first request asks for those lines plus
 * older ones and keeps the older part; after that, each page's `first` is the next `before`.
 * Past the start of the file the server goes on into its rotated siblings (a page's `source`
 * names one): a divider row names each archived file where its lines begin. While the server
 * indexes a compressed one (a step per request, `indexing`), the next page is asked for at once.
 */
import type { Api } from './api.js'
import type { LineStore } from './store.js'

const PAGE = 500

export class Scrollback {
  atStart = false
  private seed: { cursor: string; count: number } | undefined
  private start: string | undefined
  private loading = false
  /** The view is empty and nothing says yet where its lines start: no page would fit. */
  private held = true
  private generation = 0
  /** The file of the top loaded line: undefined the current one, null not known (a permalink). */
  private source: string | undefined | null = undefined

  constructor(
    private readonly api: Api,
    private readonly store: LineStore,
    private readonly onLoaded: (rows: number) => void
  ) {}

  /**
   * The view was emptied for a new stream or range. An empty view asks for older lines every
   * frame; until an init or a range says where the new lines start, a page read from the old
   * place (or from the end) would land above lines it overlaps, so none is asked for, and one
   * still on its way is dropped.
   */
  hold(): void {
    this.generation++
    this.held = true
    this.loading = false
  }

  /** After init: the `count` lines shown end at `cursor`. */
  fromEnd(cursor: string | undefined, count: number): void {
    this.generation++
    this.held = false
    this.seed = cursor ? { cursor, count } : undefined
    this.start = undefined
    this.atStart = cursor === undefined
    this.loading = false
    this.source = undefined
  }

  /**
   * After a permalink load, or an init that says where it starts: lines shown start at `first`.
   * `current`: they are the current file's (an init), so the first archived page gets its divider.
   */
  fromStart(first: string | undefined, atStart: boolean, current = false): void {
    this.generation++
    this.held = false
    this.seed = undefined
    this.start = first
    this.atStart = atStart || first === undefined
    this.loading = false
    this.source = current ? undefined : null
  }

  async load(file: string): Promise<void> {
    if (this.held || this.loading || this.atStart || this.store.total >= this.store.cap) return
    this.loading = true
    const gen = this.generation
    const seed = this.seed
    let again = false
    try {
      const page = seed
        ? await this.api.lines(file, seed.cursor, seed.count + PAGE)
        : await this.api.lines(file, this.start, PAGE)
      if (gen !== this.generation) return
      const older = seed
        ? page.lines.slice(0, Math.max(0, page.lines.length - seed.count))
        : page.lines
      const asked = seed ? seed.count + PAGE : PAGE
      this.seed = undefined
      this.start = page.first || undefined
      this.atStart =
        page.atStart ?? (!page.first || (page.lines.length < asked && page.more !== true))
      let rows = 0
      if (this.source !== null && page.source !== this.source && page.source !== undefined)
        rows += this.store.prependMarker(`↑ ${page.source}`)
      this.source = page.source
      rows += this.store.prepend(older, seed ? seed.cursor : page.last, seed ? seed.count : 0)
      if (this.atStart) rows += this.store.prependMarker('start of file')
      again = page.indexing !== undefined && !this.atStart
      this.onLoaded(rows)
    } catch (e) {
      if (gen !== this.generation) return
      this.atStart = true
      this.onLoaded(this.store.prependMarker(`could not load older lines: ${(e as Error).message}`))
    } finally {
      if (gen === this.generation) this.loading = false
    }
    if (again && gen === this.generation) await this.load(file)
  }
}
