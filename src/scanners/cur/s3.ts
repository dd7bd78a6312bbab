/**
 * A CUR 2.0 export read straight from its S3 prefix (`--cur s3://bucket/prefix/`): `ListObjectsV2`
 * followed through every continuation token, manifests read whole, Parquet through ranged `GetObject`
 * requests (footer first, then one row group's column chunks at a time), CSV as one streamed
 * `GetObject`. Nothing is downloaded to disk and nothing larger than a row group is held in memory.
 *
 * Import lazily: it loads the AWS SDK.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
import type { AsyncBuffer } from 'hyparquet'
import type { ExportObject } from './export-plan.js'
import type { ExportIo } from './read.js'
import type { S3Location } from './s3-uri.js'

/** What the reader needs of a client: the real `S3Client` (tests point it at the fake AWS). */
export type S3Sender = Pick<S3Client, 'send'>

/**
 * The S3 client for CUR reads: follows a bucket's region redirect (the export bucket need not be in the
 * scan's region) and, against a custom endpoint (tests, S3-compatible proxies), uses path-style URLs.
 * Create it through `ClientFactory.client(CurS3Client, 'S3', 's3', …)` so the read-only guard applies.
 */
export class CurS3Client extends S3Client {
  constructor(config: S3ClientConfig) {
    super({ ...config, followRegionRedirects: true, ...(config.endpoint !== undefined ? { forcePathStyle: true } : {}) })
  }
}

/** Every object under the prefix, through all `ListObjectsV2` pages (1,000 keys each). */
export async function listS3(client: S3Sender, loc: S3Location): Promise<ExportObject[]> {
  const out: ExportObject[] = []
  const tokens = new Set<string>()
  let token: string | undefined
  for (;;) {
    const page = await client.send(new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: loc.prefix, ...(token ? { ContinuationToken: token } : {}) }))
    for (const o of page.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue
      out.push({ key: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { lastModified: o.LastModified.getTime() } : {}), ...(o.ETag ? { etag: o.ETag } : {}) })
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined
    if (!token) return out
    if (tokens.has(token)) throw new Error(`ListObjectsV2 on s3://${loc.bucket}/${loc.prefix} returned the same continuation token twice`)
    tokens.add(token)
  }
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  const b = body as { transformToByteArray?: () => Promise<Uint8Array> } | undefined
  if (!b?.transformToByteArray) throw new Error('GetObject returned no body')
  return b.transformToByteArray()
}

/** Bytes `[start, end)` of an object with one ranged GET. */
async function getRange(client: S3Sender, bucket: string, key: string, start: number, end: number): Promise<Uint8Array> {
  if (end <= start) return new Uint8Array(0)
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end - 1}` }))
  return bodyBytes(out.Body)
}

function toArrayBuffer(u: Uint8Array): ArrayBuffer {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength && u.buffer instanceof ArrayBuffer ? u.buffer : (u.slice().buffer as ArrayBuffer)
}

/** An object as an `AsyncBuffer`: each slice is one ranged GET. */
export function s3AsyncBuffer(client: S3Sender, bucket: string, key: string, size: number): AsyncBuffer {
  return {
    byteLength: size,
    slice: async (start: number, end?: number) => toArrayBuffer(await getRange(client, bucket, key, start, Math.min(end ?? size, size))),
  }
}

export function s3Io(client: S3Sender, bucket: string): ExportIo {
  return {
    display: (f) => `s3://${bucket}/${f.key}`,
    head: (f, bytes) => getRange(client, bucket, f.key, 0, Math.min(bytes, f.size)),
    buffer: (f) => Promise.resolve(s3AsyncBuffer(client, bucket, f.key, f.size)),
    async stream(f) {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: f.key }))
      const body = out.Body as AsyncIterable<Uint8Array> | undefined
      if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') throw new Error('GetObject returned no stream')
      return body
    },
  }
}

/** A manifest's JSON, read whole (they are small). */
export async function readS3Json(client: S3Sender, bucket: string, key: string): Promise<unknown> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  const bytes = await bodyBytes(out.Body)
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown
}
