/**
 * @module --tls-cert and --tls-key: read and checked at start, so a wrong path, a file that is
 * not PEM or a key that does not match the certificate is a usage error (exit 2) naming the
 * file, not a server that starts and fails every handshake.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { UsageError } from './cli-values.js'

// Required only when TLS files are given: node:tls costs every process (the primary of
// `--workers N` too) 4 MB of RSS, and the check must stay synchronous like the rest of parseCli.
const tls = () => createRequire(import.meta.url)('node:tls') as typeof import('node:tls')

export interface TlsFiles {
  cert: Buffer
  key: Buffer
}

type Picked = { value: string; name: string } | undefined

function read(p: { value: string; name: string }, what: string): Buffer {
  let bytes: Buffer
  try {
    bytes = readFileSync(p.value)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO'
    throw new UsageError(`${p.name}: cannot read ${what} ${p.value} (${code})`)
  }
  if (!bytes.includes('-----BEGIN ')) {
    throw new UsageError(`${p.name}: ${p.value} is not a PEM ${what}`)
  }
  return bytes
}

export function tlsFiles(cert: Picked, key: Picked): TlsFiles | undefined {
  if (!cert && !key) return undefined
  if (!cert || !key) throw new UsageError('--tls-cert and --tls-key go together')
  const files = { cert: read(cert, 'certificate'), key: read(key, 'private key') }
  try {
    tls().createSecureContext(files)
  } catch (err) {
    const msg = (err as Error).message
    // OpenSSL says which half it choked on; name that file.
    const blame = /key/i.test(msg) && !/certificate/i.test(msg) ? key : cert
    throw new UsageError(
      `${blame.name}: ${cert.value} and ${key.value} are not a usable pair: ${msg}`
    )
  }
  return files
}
