/**
 * `--cur LOCATION`: a local export (a folder or one Parquet/CSV/CSV.gz file), its S3 prefix
 * (`s3://bucket/prefix/`), or an Athena table (`athena://DATABASE.TABLE?workgroup=W&output=s3://…`).
 * `curSource(location)` validates the location at once (a typo fails before anything is scanned);
 * `load` reads it into `CurSpendData` and never throws for bad input or AWS failures: they become
 * `errors[]` entries (exit 2). The AWS SDK loads only for s3:// and athena://.
 */
import { UsageError } from '../../errors.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import { CurSpendAccumulator, IAM_PRINCIPAL_DATA_SINCE, defaultPeriod, emptyStats, periodMs } from '../../spend/cur-aggregate.js'
import type { CurSpendData } from '../../spend/cur-model.js'
import type { CredentialSource } from '../live/clients.js'
import { CUR_DOC, CurErrorCode, curError } from './errors.js'
import type { ExportPlan } from './export-plan.js'
import { planErrors, readPlannedFile, type ExportIo } from './read.js'
import { RowConsumer } from './rows.js'
import type { AthenaRunOptions, AthenaSender } from './athena.js'
import { parseAthenaSpec, type AthenaTarget } from './athena-sql.js'
import type { S3Sender } from './s3.js'
import { parseS3Uri, type S3Location } from './s3-uri.js'
import type { CurSourceKind, SpendPeriod } from '../../model/spend.js'

export interface CurLoadContext {
  /** The required tag keys, in rules-file order. */
  tagKeys: readonly string[]
  /** Clip to this period (e.g. Cost Explorer's, or --since); unset: the days the export covers. */
  period?: SpendPeriod
  /** Ctrl-C: stops a running Athena query. */
  signal?: AbortSignal
  /** Athena without a period: the 30 days before this day (default: today). */
  now?: Date
}

export interface CurLoadResult {
  data?: CurSpendData
  errors: ScanErrorEntry[]
  /** Why there is no data, when `data` is absent. */
  reason?: string
}

/** AWS settings for s3:// and athena:// (the scan's --profile, --region…); tests inject clients or an endpoint. */
export interface CurAwsOptions {
  env?: Record<string, string | undefined>
  region?: string
  profile?: string
  endpoint?: string
  credentials?: CredentialSource
  maxAttempts?: number
  retryBaseDelayMs?: number
  debug?: (line: string) => void
  s3Client?: S3Sender
  athenaClient?: AthenaSender
  athena?: Omit<AthenaRunOptions, 'signal' | 'notice'>
}

export interface CurSourceOptions {
  aws?: CurAwsOptions
  /** Lines for stderr (the Athena query ID and where its result goes, data scanned). */
  notice?: (line: string) => void
}

export interface CurSource {
  readonly kind: CurSourceKind
  /** As given, for messages. */
  readonly location: string
  load(ctx: CurLoadContext): Promise<CurLoadResult>
}

export type CurLocation = { kind: 'cur-files'; path: string } | ({ kind: 'cur-s3' } & S3Location) | ({ kind: 'cur-athena' } & AthenaTarget)

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

/** Reads a planned export (local or S3) through the row consumer into `CurSpendData`. */
export async function loadPlannedExport(plan: ExportPlan, io: ExportIo, ctx: CurLoadContext, source: CurSpendData['source'], displayKey: (key: string) => string): Promise<CurLoadResult> {
  const acc = new CurSpendAccumulator(ctx.tagKeys)
  const stats = emptyStats()
  const consumer = new RowConsumer(acc, stats, {
    tagKeys: ctx.tagKeys,
    ...(ctx.period ? { period: periodMs(ctx.period) } : { notBefore: Date.parse(`${IAM_PRINCIPAL_DATA_SINCE}T00:00:00Z`) }),
  })
  const errors = planErrors(plan, displayKey)
  for (const f of plan.data) errors.push(...(await readPlannedFile(f, io, consumer, stats)))
  stats.superseded = [...plan.superseded]
  if (stats.files === 0) {
    const reason = plan.data.length === 0 ? `no CUR 2.0 data files (Parquet, CSV, CSV.gz) in ${source.location}` : `no CUR 2.0 data file in ${source.location} could be read`
    if (plan.data.length === 0) errors.push(curError(CurErrorCode.NoData, source.location, `--cur ${source.location}: ${reason}.`, `point --cur at the export's folder or S3 prefix, where Data Exports writes data/BILLING_PERIOD=YYYY-MM/ (${CUR_DOC})`))
    return { errors, reason }
  }
  const period = ctx.period ?? defaultPeriod(consumer.span.first, consumer.span.last) ?? { start: IAM_PRINCIPAL_DATA_SINCE, end: IAM_PRINCIPAL_DATA_SINCE }
  const notes = [...plan.notes]
  if (stats.bedrockRows === 0) notes.push(`the CUR in ${source.location} has no Amazon Bedrock rows`)
  return { data: acc.result({ source, period, stats, notes }), errors }
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
