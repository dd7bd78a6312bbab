/**
 * The AWS half of `--cur`: an S3 prefix read object by object, or an Athena table aggregated in Athena.
 * Clients come from the scan's `ClientFactory` (read-only guard, call counting, proxy, retries) unless a
 * test injects them. AWS failures become one `errors[]` entry each; the IAM findings stand.
 */
import { AthenaClient } from '@aws-sdk/client-athena'
import { TagwardenError } from '../../errors.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import { CurSpendAccumulator, emptyStats, skipRow } from '../../spend/cur-aggregate.js'
import { periodFromSince } from '../../spend/period.js'
import { CallCounter } from '../live/calls.js'
import { ClientFactory, ReadOnlyViolation } from '../live/clients.js'
import { awsErrorCode, awsErrorMessage, hintFor, isAccessDenied } from '../live/errors.js'
import { Redactor } from '../live/redact.js'
import { defaultCredentials, resolveRegion } from '../live/session.js'
import { AthenaInterrupted, AthenaQueryError, runAthenaQuery, type AthenaSender } from './athena.js'
import { curAggregateSql, groupFromAthenaRow } from './athena-sql.js'
import { CUR_DOC, CurErrorCode, curError, malformedRowsError } from './errors.js'
import { planExport } from './export-plan.js'
import { CurS3Client, listS3, readS3Json, s3Io, type S3Sender } from './s3.js'
import { loadPlannedExport, type CurLoadContext, type CurLoadResult, type CurLocation, type CurSourceOptions } from './load.js'

type AwsLocation = Exclude<CurLocation, { kind: 'cur-files' }>

interface Clients {
  s3?: S3Sender
  athena?: AthenaSender
  redactor: Redactor
  factory?: ClientFactory
}

async function clientsFor(location: AwsLocation, opts: CurSourceOptions): Promise<Clients> {
  const aws = opts.aws ?? {}
  const redactor = new Redactor()
  if (location.kind === 'cur-s3' && aws.s3Client) return { s3: aws.s3Client, redactor }
  if (location.kind === 'cur-athena' && aws.athenaClient) return { athena: aws.athenaClient, redactor }
  const env = aws.env ?? process.env
  const region = await resolveRegion(aws.region, aws.profile, env)
  const factory = new ClientFactory({
    region,
    maxAttempts: aws.maxAttempts ?? 5,
    env,
    counter: new CallCounter(),
    redactor,
    ...(aws.endpoint !== undefined ? { endpoint: aws.endpoint } : {}),
    ...(aws.retryBaseDelayMs !== undefined ? { retryBaseDelayMs: aws.retryBaseDelayMs } : {}),
    ...(aws.debug ? { debug: (l: string) => aws.debug?.(redactor.redact(l)) } : {}),
  })
  const credentials = aws.credentials ?? defaultCredentials({ region, ...(aws.profile ? { profile: aws.profile } : {}) }, redactor)
  if (typeof credentials === 'object') redactor.add(credentials.secretAccessKey, credentials.sessionToken)
  return location.kind === 'cur-s3'
    ? { s3: factory.client(CurS3Client, 'S3', 's3', credentials, 'cur'), redactor, factory }
    : { athena: factory.client(AthenaClient, 'Athena', 'athena', credentials, 'cur'), redactor, factory }
}

const PERMISSIONS = {
  'cur-s3': 's3:ListBucket on the bucket and s3:GetObject on the export prefix',
  'cur-athena': 'athena:StartQueryExecution, athena:GetQueryExecution, athena:GetQueryResults, athena:StopQueryExecution, glue:GetTable and glue:GetPartitions on the CUR table, s3:GetObject on the CUR data, and s3:PutObject/GetObject on the query output location',
}

function awsFailure(e: unknown, location: AwsLocation, display: string, operation: string, redactor: Redactor): ScanErrorEntry {
  const code = awsErrorCode(e)
  const msg = awsErrorMessage(e, redactor)
  if (isAccessDenied(code) || code === 'AllAccessDisabled') {
    return curError(location.kind === 'cur-s3' ? CurErrorCode.S3 : CurErrorCode.AthenaError, display, `--cur ${display}: ${operation} was refused (${code}): ${msg}. Per-principal spend was not checked; the IAM findings stand.`, `the caller needs ${PERMISSIONS[location.kind]} (${CUR_DOC})`)
  }
  if (code === 'NoSuchBucket') {
    return curError(CurErrorCode.S3, display, `--cur ${display}: the bucket does not exist (${code}).`, 'check the bucket name of the export (Data Exports → the export → S3 bucket)')
  }
  return curError(location.kind === 'cur-s3' ? CurErrorCode.S3 : CurErrorCode.AthenaError, display, `--cur ${display}: ${operation} failed with ${code}: ${msg}. Per-principal spend was not checked; the IAM findings stand.`, hintFor(code, { operation }, e))
}

export async function loadFromAws(location: AwsLocation, ctx: CurLoadContext, opts: CurSourceOptions, display: string): Promise<CurLoadResult> {
  let clients: Clients | undefined
  let operation = location.kind === 'cur-s3' ? 's3:ListObjectsV2' : 'athena:StartQueryExecution'
  try {
    clients = await clientsFor(location, opts)
    if (location.kind === 'cur-s3') {
      const s3 = clients.s3!
      const objects = await listS3(s3, location)
      operation = 's3:GetObject'
      const plan = await planExport(objects, (key) => readS3Json(s3, location.bucket, key))
      return await loadPlannedExport(plan, s3Io(s3, location.bucket), ctx, { kind: 'cur-s3', location: display }, (key) => `s3://${location.bucket}/${key}`)
    }
    const period = ctx.period ?? periodFromSince(undefined, ctx.now ?? new Date())
    const acc = new CurSpendAccumulator(ctx.tagKeys)
    const stats = emptyStats()
    const sql = curAggregateSql(location, ctx.tagKeys, period)
    const run = await runAthenaQuery(
      clients.athena!,
      location,
      sql,
      (row) => {
        stats.rows++
        const g = groupFromAthenaRow(row, ctx.tagKeys)
        if ('error' in g) return skipRow(stats, display, g.error, stats.rows)
        stats.bedrockRows += g.rows
        acc.add(g)
      },
      { ...(opts.aws?.athena ?? {}), ...(ctx.signal ? { signal: ctx.signal } : {}), ...(opts.notice ? { notice: opts.notice } : {}) },
    )
    stats.files = run.pages
    const notes = [`Athena query ${run.queryExecutionId}${run.dataScannedBytes !== undefined ? ` scanned ${(run.dataScannedBytes / 1e9).toFixed(2)} GB` : ''}; its result stays in ${location.output ?? "the workgroup's output location"}`]
    if (run.dataScannedBytes !== undefined) opts.notice?.(`tagwarden: ${notes[0]}`)
    const errors = stats.skippedRows > 0 ? [malformedRowsError(display, stats.skipped, stats.skippedRows, 'row')] : []
    return { data: acc.result({ source: { kind: 'cur-athena', location: display }, period, stats, notes }), errors }
  } catch (e) {
    if (e instanceof ReadOnlyViolation || e instanceof AthenaInterrupted) throw e
    if (e instanceof AthenaQueryError) return { errors: [curError(e.code, display, `--cur ${display}: ${e.message}. Per-principal spend was not checked; the IAM findings stand.`, e.hint ?? CUR_DOC)], reason: e.message }
    if (e instanceof TagwardenError) return { errors: [curError(e.code, display, e.message, e.hint ?? CUR_DOC)], reason: e.message }
    const entry = awsFailure(e, location, display, operation, clients?.redactor ?? new Redactor())
    return { errors: [entry], reason: entry.message }
  } finally {
    clients?.factory?.destroy()
  }
}
