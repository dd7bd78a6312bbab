/**
 * Loading a CUR 2.0 export: the load contract every --cur location shares (context, result, options)
 * and the loader for planned exports, local or S3. `source.ts` picks the loader; `aws-source.ts` reads S3
 * and Athena.
 */
import type { ScanErrorEntry } from '../../model/finding.js'
import type { SpendPeriod } from '../../model/spend.js'
import { CurSpendAccumulator, IAM_PRINCIPAL_DATA_SINCE, defaultPeriod, emptyStats, periodMs, utcDay } from '../../spend/cur-aggregate.js'
import type { CurReadStats, CurSpendData } from '../../spend/cur-model.js'
import type { CredentialSource } from '../live/clients.js'
import type { AthenaRunOptions, AthenaSender } from './athena.js'
import type { AthenaTarget } from './athena-sql.js'
import { CUR_DOC, CurErrorCode, curError } from './errors.js'
import type { ExportPlan } from './export-plan.js'
import { RowKind, type DuckReader } from './duckdb.js'
import { planErrors, readPlannedFile, type ExportIo, type ParquetSink } from './read.js'
import { RowConsumer, type ObservedSpan } from './rows.js'
import type { S3Sender } from './s3.js'
import type { S3Location } from './s3-uri.js'

export interface CurLoadContext {
  /** The required tag keys, in rules-file order. */
  tagKeys: readonly string[]
  /** Clip to this period (e.g. Cost Explorer's, or --since); unset: the days the export covers. */
  period?: SpendPeriod
  /** Ctrl-C: stops a running Athena query. */
  signal?: AbortSignal
  /** Athena without a period: the 30 days before this day (default: today). */
  now?: Date
  /**
   * Local Parquet: `auto` reads through DuckDB when its native module loads (hyparquet otherwise, and
   * whenever DuckDB gives up); `hyparquet` never tries DuckDB; `duckdb` throws where `auto` would fall
   * back because DuckDB failed or did not load (tests and the benchmark compare the two readers).
   */
  parquetReader?: 'auto' | 'hyparquet' | 'duckdb'
  /** Progress of a read (a line on a terminal): data files done of those planned, rows read so far. */
  onProgress?: (p: CurReadProgress) => void
}

export interface CurReadProgress {
  filesDone: number
  files: number
  rows: number
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

export type CurLocation = { kind: 'cur-files'; path: string } | ({ kind: 'cur-s3' } & S3Location) | ({ kind: 'cur-athena' } & AthenaTarget)

/** Reads a planned export (local or S3) through the row consumer into `CurSpendData`. */
export async function loadPlannedExport(plan: ExportPlan, io: ExportIo, ctx: CurLoadContext, source: CurSpendData['source'], displayKey: (key: string) => string): Promise<CurLoadResult> {
  // DuckDB reads local exports of Parquet files only (CSV and mixed exports stay in row order with hyparquet).
  const allParquet = plan.data.length > 0 && plan.data.every((f) => f.format === 'parquet')
  const duck = io.localPath && allParquet && ctx.parquetReader !== 'hyparquet' ? await (await import('./duckdb.js')).openDuckReader() : undefined
  if (!duck && ctx.parquetReader === 'duckdb') throw new Error(allParquet && io.localPath ? 'DuckDB did not load' : 'DuckDB reads local Parquet exports only')
  if (duck) {
    try {
      const fast = await loadPlan(plan, io, ctx, source, displayKey, duck)
      if (fast) return fast
    } finally {
      duck.close()
    }
  }
  return (await loadPlan(plan, io, ctx, source, displayKey, undefined))!
}

/**
 * One reading of the plan; with DuckDB, undefined when it gave up (it failed, or a row would be skipped:
 * hyparquet's errors name the row), and everything is read again without it.
 */
async function loadPlan(plan: ExportPlan, io: ExportIo, ctx: CurLoadContext, source: CurSpendData['source'], displayKey: (key: string) => string, duck: DuckReader | undefined): Promise<CurLoadResult | undefined> {
  const acc = new CurSpendAccumulator(ctx.tagKeys)
  const stats = emptyStats()
  let filesDone = 0
  const consumer = new RowConsumer(acc, stats, {
    tagKeys: ctx.tagKeys,
    ...(ctx.period ? { period: periodMs(ctx.period) } : { notBefore: Date.parse(`${IAM_PRINCIPAL_DATA_SINCE}T00:00:00Z`) }),
    ...(ctx.onProgress ? { onRows: (rows: number) => ctx.onProgress!({ filesDone, files: plan.data.length, rows }) } : {}),
  })
  const errors = planErrors(plan, displayKey)
  const sink: ParquetSink | undefined = duck ? [] : undefined
  for (const f of plan.data) {
    errors.push(...(await readPlannedFile(f, io, consumer, stats, sink)))
    filesDone++
    ctx.onProgress?.({ filesDone, files: plan.data.length, rows: stats.rows })
  }
  if (duck && sink && sink.length > 0) {
    try {
      if (!(await aggregateWithDuck(duck, sink, acc, stats, consumer.span, ctx))) return undefined
    } catch (e) {
      if (ctx.parquetReader === 'duckdb') throw e
      return undefined
    }
    // DuckDB counts the rows at the end of its one query.
    ctx.onProgress?.({ filesDone, files: plan.data.length, rows: stats.rows })
  }
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

const DAY_MS = 86_400_000

/**
 * The checked Parquet files through DuckDB's aggregation into the accumulator and the stats, as the row
 * consumer would have put them there; false when a row would have been skipped (hyparquet reads the
 * export then, and its errors name the row).
 */
async function aggregateWithDuck(duck: DuckReader, sink: ParquetSink, acc: CurSpendAccumulator, stats: CurReadStats, span: ObservedSpan, ctx: CurLoadContext): Promise<boolean> {
  let clean = true
  await duck.aggregate(
    sink.map((s) => s.path),
    { tagKeys: ctx.tagKeys, ...(ctx.period ? { period: periodMs(ctx.period) } : { notBefore: Date.parse(`${IAM_PRINCIPAL_DATA_SINCE}T00:00:00Z`) }) },
    {
      count(kind, account, rows, observed) {
        stats.rows += rows
        acc.sawAccount(account)
        if (kind !== RowKind.Other) stats.bedrockRows += rows
        if (kind === RowKind.NonUsage) stats.nonUsageRows += rows
        if (kind === RowKind.Invalid) clean = false
        if (kind === RowKind.Included && observed && !ctx.period) {
          if (span.first === undefined || observed.first < span.first) span.first = observed.first
          if (span.last === undefined || observed.last > span.last) span.last = observed.last
        }
      },
      spend(g) {
        acc.addSpend({ accountId: g.account, principal: g.principal, currency: g.currency, values: g.values, caseValues: g.caseValues, cost: g.cost, rows: g.rows, first: utcDay(g.firstDay * DAY_MS), last: utcDay(g.lastDay * DAY_MS) })
      },
      cell: (account, caller, day, values, caseValues, micro) => acc.addCell(account, caller, utcDay(day * DAY_MS), values, caseValues, micro),
      model: (account, caller, usageType, values, caseValues, micro) => acc.addModel(account, caller, usageType, values, caseValues, micro),
    },
  )
  return clean
}
