/**
 * @module The lines in memory (a capped ring) and the filtered view over them. Entries are addressed by a
 * sequence number (oldest = firstSeq) so the filtered index survives trimming at the front and
 * scrollback prepending without rescanning. Reports view-level changes so the list can keep the
 * user's scroll position steady.
 */
import { stripAnsi } from './ansi.js'
import { parseTag } from './file-tag.js'
import { compileFilter, EMPTY_FILTER_SPEC, type Filter } from './filter.js'
import type { Level } from './level.js'
import { classify, LevelCounts } from './records.js'
import { RingBuffer } from './ring-buffer.js'
import { skippedLabel, type SkippedMark } from './skipped-range.js'
import type { SkippedEvent } from '../../src/core/protocol.js'

export interface Entry {
  /** The raw line as the server sent it (may hold ANSI codes). */
  text: string
  /** Cursor just past the last line of the batch this line came in; with `back`, a permalink. */
  cursor?: string
  /** How many lines of that batch follow this one. */
  back: number
  /** A gap marker (rotation, truncation, reset, overflow), not a line of the file. */
  marker?: true
  /** A range of the file not sent or not kept: the marker row offers to load it. */
  skipped?: SkippedMark
  /** The record's level (records.ts): the line's own, or the line it continues. */
  level?: Level
  /** The first line of the record this line continues (a stack trace's `at …`). */
  head?: Entry
  /**
   * The histogram's time (epoch ms): the line's own timestamp or its record's; else `arrived`,
   * when it came. Kept on the entry: a WeakMap per line cost frames at 10,000 lines/s.
   */
  time?: number
  arrived?: number
}

/** Sees every entry kept and let go: the histogram's counts, highlight notifications. */
export interface StoreWatcher {
  /** `live`: appended at the end (the stream, a page below), not prepended (scrollback). */
  added(e: Entry, live: boolean): void
  removed(e: Entry): void
  cleared(): void
}

export interface ViewChange {
  added: number
  trimmed: number
}

export class LineStore {
  private ring: RingBuffer<Entry>
  private firstSeq = 0
  private filter: Filter = compileFilter(EMPTY_FILTER_SPEC)
  private matches: number[] = []
  private head = 0
  /** Levels shown; undefined shows every line. */
  private levels: ReadonlySet<Level> | undefined
  readonly levelCounts = new LevelCounts()
  watcher: StoreWatcher | undefined

  constructor(readonly cap: number) {
    this.ring = new RingBuffer<Entry>(cap)
  }

  get total(): number {
    return this.ring.length
  }

  /** Lines of the file in the view (markers, which every filter keeps, left out). */
  get shownLines(): number {
    return this.count - this.levelCounts.markers
  }

  /** Lines of the file held (markers left out). */
  get lines(): number {
    return this.ring.length - this.levelCounts.markers
  }

  get filtered(): boolean {
    return this.filter.active || this.levels !== undefined
  }

  /** The text filter shows lines without a match. */
  get inverted(): boolean {
    return this.filter.active && this.filter.inverted === true
  }

  /** Number of rows in the (possibly filtered) view. */
  get count(): number {
    return this.filtered ? this.matches.length - this.head : this.ring.length
  }

  row(i: number): Entry | undefined {
    if (!this.filtered) return this.ring.get(i)
    const seq = this.matches[this.head + i]
    return seq === undefined ? undefined : this.ring.get(seq - this.firstSeq)
  }

  /** The entry at ring position i (0 = oldest held), whatever the filter. */
  entryAt(i: number): Entry | undefined {
    return this.ring.get(i)
  }

  ranges(e: Entry): [number, number][] {
    return e.marker ? [] : this.filter.ranges(stripAnsi(e.text))
  }

  clear(): void {
    this.ring.clear()
    this.firstSeq = 0
    this.matches = []
    this.head = 0
    this.levelCounts.clear()
    this.watcher?.cleared()
  }

  /** Shows only lines of these levels (their records included); none or all: every line. */
  setLevels(levels: ReadonlySet<Level> | undefined): void {
    this.levels = levels && levels.size > 0 && levels.size < 4 ? levels : undefined
    this.setFilter(this.filter)
  }

  setFilter(filter: Filter): void {
    this.filter = filter
    this.matches = []
    this.head = 0
    if (!this.filtered) return
    for (let i = 0; i < this.ring.length; i++)
      if (this.passes(this.ring.get(i) as Entry)) this.matches.push(this.firstSeq + i)
  }

  /** Appends one batch (an SSE event): every line gets the batch cursor and its distance to it. */
  append(texts: string[], cursor?: string): ViewChange {
    return this.appendSlice(texts, 0, texts.length, cursor)
  }

  /** Appends texts[start, end) of a batch, numbered as if the whole batch came at once. */
  appendSlice(texts: string[], start: number, end: number, cursor?: string): ViewChange {
    const change = { added: 0, trimmed: 0 }
    for (let i = start; i < end; i++)
      this.push({ text: texts[i] as string, cursor, back: texts.length - 1 - i }, change)
    this.compact()
    return change
  }

  /** One marker row for a skipped range. */
  skipped(range: SkippedEvent): ViewChange {
    const mark: SkippedMark = { range }
    const change = { added: 0, trimmed: 0 }
    this.push({ text: skippedLabel(mark), back: 0, marker: true, skipped: mark }, change)
    return change
  }

  /** Position of an entry in the ring (not the filtered view), or -1. */
  positionOf(e: Entry): number {
    for (let i = this.ring.length - 1; i >= 0; i--) if (this.ring.get(i) === e) return i
    return -1
  }

  /** Row of an entry in the (filtered) view, or -1. */
  rowOf(e: Entry): number {
    for (let i = this.count - 1; i >= 0; i--) if (this.row(i) === e) return i
    return -1
  }

  /** Entries kept after ring position `at`. */
  after(at: number): number {
    return this.ring.length - 1 - at
  }

  /**
   * Puts `entries` in place of the entry at ring position `at` (a loaded skipped range). The
   * oldest entries make room when the ring is full; returns how many were let go.
   */
  replaceAt(at: number, entries: Entry[]): number {
    let prev = this.ring.get(at - 1)
    for (const e of entries) {
      classify(e, stripAnsi(e.text), prev)
      prev = e
    }
    const dropped = this.ring.splice(at, 1, entries)
    this.firstSeq += dropped
    this.levelCounts.clear()
    this.watcher?.cleared()
    for (let i = 0; i < this.ring.length; i++) {
      this.levelCounts.add(this.ring.get(i) as Entry)
      this.watcher?.added(this.ring.get(i) as Entry, false)
    }
    this.setFilter(this.filter)
    return dropped
  }

  marker(text: string): ViewChange {
    const change = { added: 0, trimmed: 0 }
    this.push({ text, back: 0, marker: true }, change)
    return change
  }

  /**
   * Older lines (scrollback), in file order, ending `backBase` lines before `cursor`. Returns how
   * many view rows came (fewer than given when the ring is full).
   */
  prepend(texts: string[], cursor?: string, backBase = 0): number {
    return this.unshiftAll(
      texts.map((text, i) => ({ text, cursor, back: backBase + texts.length - 1 - i }))
    )
  }

  prependMarker(text: string): number {
    return this.unshiftAll([{ text, back: 0, marker: true }])
  }

  private unshiftAll(entries: Entry[]): number {
    let added = 0
    const before: number[] = []
    for (let i = 0; i < entries.length; i++)
      classify(entries[i] as Entry, stripAnsi((entries[i] as Entry).text), entries[i - 1])
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i] as Entry
      if (!this.ring.unshift(e)) break
      this.firstSeq--
      this.levelCounts.add(e)
      this.watcher?.added(e, false)
      if (!this.filtered || this.passes(e)) {
        before.push(this.firstSeq)
        added++
      }
    }
    if (this.filtered && before.length) {
      this.matches = before.reverse().concat(this.matches.slice(this.head))
      this.head = 0
    }
    return added
  }

  /**
   * Every row of the view, as displayed (escapes removed); "Save shown" leaves the markers out,
   * so what it saves is lines of the file. `names`: a merged view's line after its file's name
   * (`a.log: line`), since saved lines of several files interleaved could not be told apart;
   * Save shown has them, a dump of the rows as displayed (markers) does not.
   */
  shownText(markers = true, names = !markers): string {
    const out: string[] = []
    for (let i = 0; i < this.count; i++) {
      const e = this.row(i) as Entry
      if (e.marker && !markers) continue
      // A merged view's line names its file (file-tag.ts): interleaved files stay apart.
      const tagged = e.marker || !names ? undefined : parseTag(e.text)
      out.push(tagged ? `${tagged.file}: ${stripAnsi(tagged.rest)}` : stripAnsi(e.text))
    }
    return out.length ? out.join('\n') + '\n' : ''
  }

  /** A continuation line goes with its head: shown when the record is, by level and by text. */
  private passes(e: Entry): boolean {
    if (e.marker) return true
    if (this.levels && !(e.level && this.levels.has(e.level))) return false
    if (!this.filter.active) return true
    const own = this.filter.test(stripAnsi(e.text))
    if (!e.head) return own
    const head = this.filter.test(stripAnsi(e.head.text))
    // Inverted, test() says "no match": the record is shown only if neither part matches.
    return this.filter.inverted ? own && head : own || head
  }

  private push(e: Entry, change: ViewChange): void {
    const seq = this.firstSeq + this.ring.length
    classify(e, stripAnsi(e.text), this.ring.get(this.ring.length - 1))
    const oldest = this.ring.length === this.cap ? this.ring.get(0) : undefined
    const dropped = this.ring.push(e)
    this.levelCounts.add(e)
    this.watcher?.added(e, true)
    if (dropped) {
      if (oldest) this.levelCounts.add(oldest, -1)
      if (oldest) this.watcher?.removed(oldest)
      if (!this.filtered) change.trimmed++
      this.firstSeq++
      while (this.filtered && (this.matches[this.head] ?? Infinity) < this.firstSeq) {
        this.head++
        change.trimmed++
      }
    }
    if (!this.filtered || this.passes(e)) {
      if (this.filtered) this.matches.push(seq)
      change.added++
    }
  }

  private compact(): void {
    // Drop consumed index slots now and then instead of shifting the array on every trim.
    if (this.head > 4096 && this.head * 2 > this.matches.length) {
      this.matches = this.matches.slice(this.head)
      this.head = 0
    }
  }
}
