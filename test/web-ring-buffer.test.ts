import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RingBuffer } from '../web/src/ring-buffer.js'

describe('RingBuffer', () => {
  it('keeps the newest `cap` items in order and reports what it dropped', () => {
    const r = new RingBuffer<number>(3)
    expect([1, 2, 3].map((n) => r.push(n))).toEqual([0, 0, 0])
    expect(r.push(4)).toBe(1)
    expect(r.toArray()).toEqual([2, 3, 4])
    expect(r.get(0)).toBe(2)
    expect(r.get(3)).toBeUndefined()
    expect(r.get(-1)).toBeUndefined()
  })

  it('prepends older items until full, never evicting the newest', () => {
    const r = new RingBuffer<number>(4)
    r.push(10)
    r.push(11)
    expect(r.unshift(9)).toBe(true)
    expect(r.unshift(8)).toBe(true)
    expect(r.unshift(7)).toBe(false)
    expect(r.toArray()).toEqual([8, 9, 10, 11])
  })

  it('grows lazily past its initial allocation up to a large cap', () => {
    const r = new RingBuffer<number>(100_000)
    for (let i = 0; i < 250_000; i++) r.push(i)
    expect(r.length).toBe(100_000)
    expect(r.get(0)).toBe(150_000)
    expect(r.get(99_999)).toBe(249_999)
  })

  it('rejects a nonsensical cap', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError)
    expect(() => new RingBuffer(1.5)).toThrow(RangeError)
  })

  it('matches a plain array model under any mix of push, unshift and clear', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), v: fc.integer() }),
      fc.record({ kind: fc.constant('unshift' as const), v: fc.integer() }),
      fc.record({ kind: fc.constant('clear' as const), v: fc.constant(0) })
    )
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2100 }),
        fc.array(op, { maxLength: 3000 }),
        (cap, ops) => {
          const r = new RingBuffer<number>(cap)
          let model: number[] = []
          for (const o of ops) {
            if (o.kind === 'push') {
              model.push(o.v)
              const dropped = model.length > cap ? model.splice(0, 1).length : 0
              expect(r.push(o.v)).toBe(dropped)
            } else if (o.kind === 'unshift') {
              const ok = model.length < cap
              if (ok) model.unshift(o.v)
              expect(r.unshift(o.v)).toBe(ok)
            } else {
              model = []
              r.clear()
            }
          }
          expect(r.toArray()).toEqual(model)
        }
      ),
      { numRuns: 60 }
    )
  })
})
