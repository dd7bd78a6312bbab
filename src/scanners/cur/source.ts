/**
 * `--cur LOCATION`: a local export (a folder or one Parquet/CSV/CSV.gz file), its S3 prefix
 * (`s3://bucket/prefix/`), or an Athena table (`athena://DATABASE.TABLE?workgroup=W&output=s3://…`).
 * `curSource(location)` validates the location at once (a typo fails before anything is scanned);
 * `load` reads it into `CurSpendData` and never throws for bad input or AWS failures: they become
 * `errors[]` entries (exit 2). The AWS SDK loads only for s3:// and athena://.
 */
import { UsageError } from '../../errors.js'
import type { CurSourceKind } from '../../model/spend.js'
import { parseAthenaSpec } from './athena-sql.js'
import { loadPlannedExport, type CurLoadContext, type CurLoadResult, type CurLocation, type CurSourceOptions } from './load.js'
import { parseS3Uri } from './s3-uri.js'

export interface CurSource {
  readonly kind: CurSourceKind
  /** As given, for messages. */
  readonly location: string
  load(ctx: CurLoadContext): Promise<CurLoadResult>
}

/** Validates `--cur`; throws `UsageError` for a malformed s3:// or athena:// location. */
export function parseCurLocation(spec: string): CurLocation {
  const s = spec.trim()
  if (s === '') throw new UsageError('bad-cur', '--cur needs a location', 'a CUR 2.0 export folder, s3://bucket/prefix/ or athena://DATABASE.TABLE (docs/cur.md)')
  if (/^s3:\/\//i.test(s)) {
    const loc = parseS3Uri(s)
    if (!loc) throw new UsageError('bad-cur-s3', `--cur ${s}: not an s3://bucket/prefix/ location`, 'e.g. --cur s3://my-cur-bucket/cur2/my-export/')
    return { kind: 'cur-s3', ...loc }
  }
  if (/^athena:\/\//i.test(s)) {
    return { kind: 'cur-athena', ...parseAthenaSpec(s) }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) throw new UsageError('bad-cur', `--cur ${s}: unknown scheme`, 'use a local path, s3://bucket/prefix/ or athena://DATABASE.TABLE')
  return { kind: 'cur-files', path: s }
}

export function curSource(location: CurLocation, opts: CurSourceOptions = {}): CurSource {
  const display = location.kind === 'cur-files' ? location.path : location.kind === 'cur-s3' ? `s3://${location.bucket}/${location.prefix}` : `athena://${location.database}.${location.table}`
  return {
    kind: location.kind,
    location: display,
    async load(ctx) {
      if (location.kind === 'cur-files') {
        const { planLocal } = await import('./local.js')
        const { plan, io, errors } = await planLocal(location.path)
        const join = (key: string): string => (location.path.endsWith('/') ? `${location.path}${key}` : `${location.path}/${key}`)
        const out = await loadPlannedExport(plan, io, ctx, { kind: 'cur-files', location: display }, join)
        return { ...out, errors: [...errors, ...out.errors] }
      }
      const { loadFromAws } = await import('./aws-source.js')
      return loadFromAws(location, ctx, opts, display)
    },
  }
}
