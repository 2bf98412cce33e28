/**
 * The two pieces that bound a history response: the read pool (slots, queue order, refusals)
 * and pullBody (nothing produced ahead of the consumer, cut off when not pulled).
 */
import { describe, expect, it } from 'vitest'
import { pullBody } from '../src/server/pull-body.js'
import { BusyError, ReadPool } from '../src/server/read-pool.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A read that finishes when told to. */
function gate() {
  let open!: () => void
  const done = new Promise<void>((r) => (open = r))
  return { open, done }
}

describe('ReadPool', () => {
  it('runs at most `size` reads; continuations go before new requests', async () => {
    const pool = new ReadPool({ size: 2, queue: 8, waitMs: 5000 })
    const order: string[] = []
    const g1 = gate()
    const g2 = gate()
    const a = pool.run('/x', () => g1.done.then(() => order.push('a')))
    const b = pool.run('/x', () => g2.done.then(() => order.push('b')))
    const c = pool.run('/x', async () => order.push('c'))
    const d = pool.run('/x', async () => order.push('d'), true)
    expect(pool.inFlight).toBe(2)
    expect(pool.waiting).toBe(2)
    g1.open()
    await Promise.all([a, c, d])
    // d arrived after c but continues a started body: it got a's slot first.
    expect(order).toEqual(['a', 'd', 'c'])
    g2.open()
    await b
    expect(order).toEqual(['a', 'd', 'c', 'b'])
    expect(pool.inFlight).toBe(0)
  })

  it('refuses a new request when the queue is full or the wait is over, never a continuation', async () => {
    const pool = new ReadPool({ size: 1, queue: 1, waitMs: 30 })
    const g = gate()
    const held = pool.run('/x', () => g.done)
    const waits = pool.run('/x', async () => 'late')
    await expect(pool.run('/api/lines', async () => 1)).rejects.toMatchObject({
      code: 'busy',
      path: '/api/lines',
    })
    await expect(waits).rejects.toBeInstanceOf(BusyError)
    const cont = pool.run('/x', async () => 'cont', true)
    await sleep(60)
    g.open()
    await held
    expect(await cont).toBe('cont')
    expect(pool.inFlight).toBe(0)
    expect(pool.waiting).toBe(0)
  })

  it('a failing read frees its slot', async () => {
    const pool = new ReadPool({ size: 1 })
    await expect(pool.run('/x', () => Promise.reject(new Error('EIO')))).rejects.toThrow('EIO')
    expect(await pool.run('/x', async () => 2)).toBe(2)
  })
})

describe('pullBody', () => {
  it('produces a piece only when the consumer asks for one', async () => {
    let produced = 0
    const body = pullBody(async () => (produced < 5 ? `piece ${++produced};` : null), {
      path: '/x',
      idleMs: 0,
    })
    await sleep(20)
    expect(produced).toBe(0)
    const reader = body.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('piece 1;')
    await sleep(20)
    expect(produced).toBe(1)
    let rest = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      rest += new TextDecoder().decode(r.value)
    }
    expect(rest).toBe('piece 2;piece 3;piece 4;piece 5;')
  })

  it('a body not pulled for idleMs is cancelled: drop() when given, else an error', async () => {
    let cancelled = 0
    let dropped = 0
    const opts = { path: '/download', idleMs: 50, onCancel: () => cancelled++ }
    const a = pullBody(async () => 'x', { ...opts, drop: () => dropped++ }).getReader()
    await a.read()
    const b = pullBody(async () => 'x', opts).getReader()
    await b.read()
    await sleep(150)
    expect(dropped).toBe(1)
    expect(cancelled).toBe(2)
    await expect(b.read()).rejects.toMatchObject({ code: 'undrained', path: '/download' })
  })

  it('a consumer that keeps pulling is never cut off', async () => {
    let n = 0
    const reader = pullBody(async () => (n++ < 6 ? 'y' : null), {
      path: '/x',
      idleMs: 60,
      drop: () => {
        throw new Error('dropped a live body')
      },
    }).getReader()
    let got = ''
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      got += new TextDecoder().decode(r.value)
      await sleep(30)
    }
    expect(got).toBe('yyyyyy')
  })
})
