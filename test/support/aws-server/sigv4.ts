/**
 * Signature Version 4 verification, as AWS does it: rebuild the canonical request from what arrived,
 * sign it with the secret the server issued for the access key, and compare. Proves that the SDK signed
 * each request, for the service it was routed to, with the credentials the scanner meant to use.
 */
import { createHash, createHmac } from 'node:crypto'
import type { RawRequest } from './protocols.js'

export interface ParsedAuthorization {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH_RE.exec(header.trim()) : null
  if (!m) return undefined
  const [, accessKeyId, date, region, service, signed, signature] = m as unknown as string[]
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    signedHeaders: signed!.split(';'),
    signature: signature!,
  }
}

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex')
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest()

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function canonicalQuery(query: string): string {
  if (!query) return ''
  return query
    .split('&')
    .map((kv) => {
      const [k = '', v = ''] = kv.split('=')
      return [encodeRfc3986(decodeURIComponent(k)), encodeRfc3986(decodeURIComponent(v))] as const
    })
    .sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')
}

/** Empty when the signature is valid, else the reason it is not. */
export function verifySignature(req: RawRequest, auth: ParsedAuthorization, secretAccessKey: string): string | undefined {
  const amzDate = req.headers['x-amz-date']
  if (!amzDate || !amzDate.startsWith(auth.date)) return 'x-amz-date missing or not the credential scope date'
  if (!auth.signedHeaders.includes('host')) return 'host header not signed'
  const [path = '/', query = ''] = req.path.split('?')
  const canonicalHeaders = auth.signedHeaders
    .map((h) => `${h}:${(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('')
  const payloadHash = req.headers['x-amz-content-sha256'] ?? sha256(req.body)
  const canonicalRequest = [
    req.method,
    path.split('/').map((seg) => encodeRfc3986(decodeURIComponent(seg))).join('/'),
    canonicalQuery(query),
    canonicalHeaders,
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n')
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n')
  const kDate = hmac(`AWS4${secretAccessKey}`, auth.date)
  const kSigning = hmac(hmac(hmac(kDate, auth.region), auth.service), 'aws4_request')
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex')
  return expected === auth.signature ? undefined : 'signature does not match'
}
