/**
 * @module A small, fast, non-cryptographic hash for file fingerprints.
 *
 * cyrb53-style (two 32-bit lanes with Math.imul), good avalanche for short inputs. Fingerprints
 * only need to tell "the same bytes" from "other bytes" with high probability; nobody attacks
 * them, and a pure-JS hash runs the same on Node, Bun, Deno and in the browser.
 */

/** Hashes the given byte ranges as if concatenated; returns 14 lowercase hex digits (53 bits). */
export function hashBytes(...parts: Uint8Array[]): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      const b = part[i] as number
      h1 = Math.imul(h1 ^ b, 2654435761)
      h2 = Math.imul(h2 ^ b, 1597334677)
    }
    // Separate parts so that ("ab","c") and ("a","bc") differ.
    h1 = Math.imul(h1 ^ 0xff, 2654435761)
    h2 = Math.imul(h2 ^ part.length, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  const n = 4294967296 * (2097151 & h2) + (h1 >>> 0)
  return n.toString(16).padStart(14, '0')
}
