/**
 * @module A JWKS on loopback with one ES256 key, and tokens signed by it: identities with
 * groups for the per-file access tests.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose'

export interface Jwks {
  url: string
  sign(sub: string, groups: string[]): Promise<string>
  close(): Promise<void>
}

export async function startJwks(): Promise<Jwks> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const pub: JWK = { ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ keys: [pub] }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    sign: (sub, groups) =>
      new SignJWT({ sub, groups })
        .setProtectedHeader({ alg: 'ES256', kid: 'k' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
