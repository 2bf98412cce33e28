import { describe, expect, it } from 'vitest'
import { fingerprint, formatCursor, parseCursor } from '../src/core/cursor.js'
import { hashBytes } from '../src/core/hash.js'

describe('cursor', () => {
  it('round-trips', () => {
    const fp = fingerprint(new Uint8Array([1, 2]), new Uint8Array([3]))
    expect(parseCursor(formatCursor(1234, fp))).toEqual({ offset: 1234, fingerprint: fp })
  })

  it.each([
    '',
    '12',
    '-1-00000000000000',
    '01-00000000000000',
    '1-0000000000000',
    '1-000000000000000',
    '1-0000000000000G',
    '99999999999999999-00000000000000',
    '1-00000000000000\n',
    '../etc/passwd',
    'x'.repeat(5000),
  ])('rejects %j', (text) => {
    expect(parseCursor(text)).toBeNull()
  })

  it('hash separates parts and differs for different bytes', () => {
    const a = new TextEncoder().encode('ab')
    const b = new TextEncoder().encode('c')
    expect(hashBytes(a, b)).not.toBe(
      hashBytes(new TextEncoder().encode('a'), new TextEncoder().encode('bc'))
    )
    expect(hashBytes(a)).toMatch(/^[0-9a-f]{14}$/)
    expect(hashBytes(a)).toBe(hashBytes(new TextEncoder().encode('ab')))
  })
})
