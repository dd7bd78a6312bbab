/**
 * Amazon S3 (REST-XML, signing name `s3`, path-style URLs as the SDK sends them to a custom endpoint):
 * `ListObjectsV2` with real continuation tokens (1,000 keys a page, or `MaxKeys`), `GetObject` with
 * `Range: bytes=a-b` (206 and `Content-Range`) and `HeadObject`. Errors are S3's
 * `<Error><Code/><Message/></Error>` (NoSuchBucket, NoSuchKey, AccessDenied, InvalidRange).
 *
 * Not part of the default service set: `startAwsServer(world, { services: [s3Service(fake)] })`.
 *
 * Binary bodies: `WireResponse.body` is typed `string`, but the server core only hands it to
 * `Buffer.byteLength` and `res.end`, which take a `Buffer` as well; `binaryBody` passes object bytes
 * through untouched. (Core hook proposed: widen `WireResponse.body` to `string | Uint8Array`.)
 */
import { createHash, randomUUID } from 'node:crypto'
import type { OperationHandler, ServiceDefinition } from '../index.js'
import { decodeToken, encodeToken } from '../paginate.js'
import { AwsFault, escapeXml, type Params, type ProtocolCodec, type WireResponse } from '../protocols.js'

export interface FakeObject {
  body: Buffer
  lastModified: Date
  etag: string
}

export interface FakeS3 {
  /** Bucket → key → object. */
  buckets: Map<string, Map<string, FakeObject>>
  /** Accounts whose callers may read (others get AccessDenied); unset: everyone. */
  readers?: string[]
  /** Largest page `ListObjectsV2` returns (S3: 1,000). */
  maxKeys?: number
}

export function emptyS3(): FakeS3 {
  return { buckets: new Map() }
}

export function putObject(s3: FakeS3, bucket: string, key: string, body: Buffer | string | Uint8Array, lastModified = new Date('2026-08-20T04:00:00Z')): void {
  const b = Buffer.isBuffer(body) ? body : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  let objects = s3.buckets.get(bucket)
  if (!objects) s3.buckets.set(bucket, (objects = new Map()))
  objects.set(key, { body: b, lastModified, etag: `"${createHash('md5').update(b).digest('hex')}"` })
}

/** A `Buffer` where the codec's type says string (see the module comment). */
function binaryBody(buf: Buffer): string {
  return buf as unknown as string
}

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/'

/** Handler outputs the codec renders as they are (status, headers, raw body). */
interface RawOutput {
  status: number
  headers: Record<string, string>
  body: Buffer | string
}

function isRaw(v: unknown): v is RawOutput {
  return typeof v === 'object' && v !== null && 'status' in v && 'headers' in v && 'body' in v
}

/** Path-style S3 REST: `/bucket?list-type=2…` → ListObjectsV2, `/bucket/key` → GetObject / HeadObject. */
export function s3RestProtocol(): ProtocolCodec {
  return {
    name: 'restXml',
    parse(req) {
      const [rawPath = '/', query = ''] = req.path.split('?')
      const segments = rawPath.split('/').slice(1)
      const bucket = decodeURIComponent(segments[0] ?? '')
      if (!bucket) return undefined
      const key = segments.slice(1).map(decodeURIComponent).join('/')
      const q = new URLSearchParams(query)
      const params: Params = { Bucket: bucket }
      if (key === '') {
        if (req.method !== 'GET' || q.get('list-type') !== '2') return undefined
        for (const [name, member] of [['prefix', 'Prefix'], ['continuation-token', 'ContinuationToken'], ['max-keys', 'MaxKeys'], ['start-after', 'StartAfter'], ['delimiter', 'Delimiter'], ['encoding-type', 'EncodingType']] as const) {
          const v = q.get(name)
          if (v !== null) params[member] = v
        }
        return { operation: 'ListObjectsV2', params }
      }
      params.Key = key
      if (req.headers.range) params.Range = req.headers.range
      if (req.method === 'GET') return { operation: 'GetObject', params }
      if (req.method === 'HEAD') return { operation: 'HeadObject', params }
      return undefined
    },
    success(operation, output): WireResponse {
      if (isRaw(output)) return { status: output.status, headers: output.headers, body: typeof output.body === 'string' ? output.body : binaryBody(output.body) }
      throw new Error(`s3 handler for ${operation} returned no raw output`)
    },
    error(fault) {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(fault.code)}</Code><Message>${escapeXml(fault.message)}</Message><RequestId>${randomUUID()}</RequestId></Error>`
      return { status: fault.status, headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() }, body }
    },
  }
}

function objectsOf(s3: FakeS3, bucket: string): Map<string, FakeObject> {
  const objects = s3.buckets.get(bucket)
  if (!objects) throw new AwsFault('NoSuchBucket', 'The specified bucket does not exist', 404)
  return objects
}

function checkReader(s3: FakeS3, accountId: string): void {
  if (s3.readers && !s3.readers.includes(accountId)) throw new AwsFault('AccessDenied', 'Access Denied', 403)
}

const xmlDate = (d: Date): string => d.toISOString()

function s3Handlers(s3: FakeS3): Record<string, OperationHandler> {
  const listObjectsV2: OperationHandler = (p, ctx) => {
    checkReader(s3, ctx.caller.accountId)
    const bucket = String(p.Bucket)
    const prefix = typeof p.Prefix === 'string' ? p.Prefix : ''
    const limit = Math.min(s3.maxKeys ?? 1000, p.MaxKeys !== undefined ? Number(p.MaxKeys) : 1000)
    const keys = [...objectsOf(s3, bucket).keys()].filter((k) => k.startsWith(prefix) && (typeof p.StartAfter !== 'string' || k > p.StartAfter)).sort()
    const offset = decodeToken(p.ContinuationToken, 'InvalidArgument')
    const page = keys.slice(offset, offset + limit)
    const truncated = offset + page.length < keys.length
    const objects = objectsOf(s3, bucket)
    const contents = page
      .map((k) => {
        const o = objects.get(k)!
        return `<Contents><Key>${escapeXml(k)}</Key><LastModified>${xmlDate(o.lastModified)}</LastModified><ETag>${escapeXml(o.etag)}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`
      })
      .join('')
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="${S3_NS}"><Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix>` +
      `<KeyCount>${page.length}</KeyCount><MaxKeys>${limit}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
      `${typeof p.ContinuationToken === 'string' ? `<ContinuationToken>${escapeXml(p.ContinuationToken)}</ContinuationToken>` : ''}` +
      `${truncated ? `<NextContinuationToken>${escapeXml(encodeToken(offset + page.length))}</NextContinuationToken>` : ''}${contents}</ListBucketResult>`
    return { status: 200, headers: { 'content-type': 'application/xml', 'x-amz-request-id': randomUUID() }, body } satisfies RawOutput
  }

  const objectOf = (p: Params, accountId: string): FakeObject => {
    checkReader(s3, accountId)
    const o = objectsOf(s3, String(p.Bucket)).get(String(p.Key))
    if (!o) throw new AwsFault('NoSuchKey', 'The specified key does not exist.', 404)
    return o
  }

  const headers = (o: FakeObject, length: number): Record<string, string> => ({
    'content-type': 'application/octet-stream',
    'content-length': String(length),
    etag: o.etag,
    'last-modified': o.lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    'x-amz-request-id': randomUUID(),
  })

  return {
    ListObjectsV2: listObjectsV2,
    HeadObject: (p, ctx) => {
      const o = objectOf(p, ctx.caller.accountId)
      return { status: 200, headers: headers(o, o.body.length), body: '' } satisfies RawOutput
    },
    GetObject: (p, ctx) => {
      const o = objectOf(p, ctx.caller.accountId)
      const range = typeof p.Range === 'string' ? /^bytes=(\d+)-(\d*)$/.exec(p.Range) : null
      if (typeof p.Range === 'string' && !range) throw new AwsFault('InvalidRange', 'The requested range is not satisfiable', 416)
      if (range) {
        const start = Number(range[1])
        const end = Math.min(range[2] === '' ? o.body.length - 1 : Number(range[2]), o.body.length - 1)
        if (start >= o.body.length || end < start) throw new AwsFault('InvalidRange', 'The requested range is not satisfiable', 416)
        const part = o.body.subarray(start, end + 1)
        return { status: 206, headers: { ...headers(o, part.length), 'content-range': `bytes ${start}-${end}/${o.body.length}` }, body: part } satisfies RawOutput
      }
      return { status: 200, headers: headers(o, o.body.length), body: o.body } satisfies RawOutput
    },
  }
}

export function s3Service(s3: FakeS3): ServiceDefinition {
  return {
    signingName: 's3',
    protocol: s3RestProtocol(),
    accessDeniedCode: 'AccessDenied',
    invalidTokenCode: 'InvalidAccessKeyId',
    expiredTokenCode: 'ExpiredToken',
    handlers: s3Handlers(s3),
  }
}
