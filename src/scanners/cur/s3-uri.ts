/** `s3://bucket/prefix/` locations (no AWS SDK here: `--cur` is validated before anything loads). */

export interface S3Location {
  bucket: string
  prefix: string
}

/** `s3://bucket/prefix/` → bucket and prefix; undefined when it is not an S3 URI. */
export function parseS3Uri(uri: string): S3Location | undefined {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim())
  if (!m) return undefined
  return { bucket: m[1]!, prefix: m[2] ?? '' }
}
