/**
 * The S3 and Athena paths through the real SDK clients against the local protocol server: an export
 * prefix of more than 1,000 keys listed with continuation tokens and read with ranged GETs, a
 * re-delivered period counted once, and the Athena lifecycle (QUEUED → RUNNING → SUCCEEDED or FAILED,
 * NextToken paging, timeout and Ctrl-C stopping the query). The same rows through the local path and
 * through Athena (fed the aggregates its SQL would produce) give the same totals to the cent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AthenaClient } from '@aws-sdk/client-athena'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AthenaInterrupted, runAthenaQuery } from '../../src/scanners/cur/athena.js'
import { curAggregateSql, parseAthenaSpec } from '../../src/scanners/cur/athena-sql.js'
import { CurS3Client } from '../../src/scanners/cur/s3.js'
import { curSource, parseCurLocation } from '../../src/scanners/cur/source.js'
import type { CurLoadResult } from '../../src/scanners/cur/load.js'
import { addUserCredentials, emptyWorld, startAwsServer, type AwsServer, type FakePrincipal } from '../support/aws-server/index.js'
import { athenaService, emptyAthena, type FakeAthena } from '../support/aws-server/services/athena.js'
import { emptyS3, putObject, s3Service, type FakeS3 } from '../support/aws-server/services/s3.js'
import { curCsvText, curParquetBuffer, manifestJson, writeCurParquet, type CurFixtureRow } from './fixtures.js'
import { aggregateLikeAthena, mixedRows, sums } from './helpers.js'
import type { SpendPeriod } from '../../src/model/spend.js'
import { runCli } from '../cli/run-cli.js'

const PAYER = '111111111111'
const BUCKET = 'acme-cur'
const PREFIX = 'cur2/bedrock'
const PERIOD: SpendPeriod = { start: '2026-07-21', end: '2026-08-20' }

let server: AwsServer
let s3: FakeS3
let athena: FakeAthena
let caller: FakePrincipal
let tmp: string

const credentials = () => ({ accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey })
const s3Client = () => new CurS3Client({ endpoint: server.url, region: 'us-east-1', credentials: credentials() })
const athenaClient = () => new AthenaClient({ endpoint: server.url, region: 'us-east-1', credentials: credentials(), maxAttempts: 1 })

beforeAll(async () => {
  const world = emptyWorld()
  caller = addUserCredentials(world, PAYER)
  s3 = emptyS3()
  athena = emptyAthena(() => ({ columns: [], rows: [] }))
  server = await startAwsServer(world, { services: [s3Service(s3), athenaService(athena)] })
})
afterAll(async () => {
  await server.close()
})
beforeEach(() => {
  s3.buckets.clear()
  delete s3.readers
  athena.executions.clear()
  athena.hang = false
  athena.pollsBeforeDone = 2
  delete athena.pageSize
  server.reset()
  tmp = mkdtempSync(join(tmpdir(), 'tagwarden-cur-aws-'))
  return () => rmSync(tmp, { recursive: true, force: true })
})

const loadS3 = (uri: string, period: SpendPeriod = PERIOD): Promise<CurLoadResult> =>
  curSource(parseCurLocation(uri), { aws: { s3Client: s3Client() } }).load({ tagKeys: ['team'], period })

describe('--cur s3://', () => {
  it('lists more than 1,000 keys page by page and reads every Parquet and CSV.gz file with ranged GETs', async () => {
    const rows = mixedRows()
    // 1,200 small keys of noise (Athena integration files, old logs) next to the data.
    for (let i = 0; i < 1200; i++) putObject(s3, BUCKET, `${PREFIX}/crawler/log-${String(i).padStart(4, '0')}.txt`, 'x')
    const half = Math.floor(rows.length / 2)
    putObject(s3, BUCKET, `${PREFIX}/data/BILLING_PERIOD=2026-07/bedrock-00001.snappy.parquet`, Buffer.from(curParquetBuffer(rows.slice(0, half).filter((r) => r.start < '2026-08'), { rowGroupSize: 7 })))
    putObject(s3, BUCKET, `${PREFIX}/data/BILLING_PERIOD=2026-08/bedrock-00001.csv.gz`, (await import('node:zlib')).gzipSync(curCsvText(rows.filter((r) => r.start >= '2026-08'))))
    putObject(s3, BUCKET, `${PREFIX}/data/BILLING_PERIOD=2026-07/bedrock-00002.snappy.parquet`, Buffer.from(curParquetBuffer(rows.slice(half).filter((r) => r.start < '2026-08'), { rowGroupSize: 5 })))
    const r = await loadS3(`s3://${BUCKET}/${PREFIX}/`)
    expect(r.errors).toEqual([])
    const lists = server.calls.filter((c) => c.operation === 'ListObjectsV2')
    expect(lists).toHaveLength(2)
    expect(lists[1]!.params.ContinuationToken).toBeTruthy()
    // Parquet: ranged reads only (footer, then column chunks), never a whole-object GET.
    const parquetGets = server.calls.filter((c) => c.operation === 'GetObject' && String(c.params.Key).endsWith('.parquet'))
    expect(parquetGets.length).toBeGreaterThan(4)
    expect(parquetGets.every((c) => typeof c.params.Range === 'string')).toBe(true)
    expect(r.data?.stats.files).toBe(3)
    expect(sums(r.data!)).toEqual(sums(aggregateLikeAthena(rows, ['team'], PERIOD)))
    expect(r.data?.notes.join('\n')).toMatch(/1200 files that are neither CUR data nor a manifest ignored/)
  })

  it('follows the newest manifest of a re-delivered billing period and counts it once', async () => {
    const rows = mixedRows().filter((r) => r.start >= '2026-08')
    const stale = rows.map((r) => ({ ...r, cost: r.cost * 3 }))
    const old = `${PREFIX}/data/BILLING_PERIOD=2026-08/20260810T041500Z-aaaa/bedrock-00001.snappy.parquet`
    const newer = `${PREFIX}/data/BILLING_PERIOD=2026-08/20260819T041500Z-bbbb/bedrock-00001.snappy.parquet`
    putObject(s3, BUCKET, old, Buffer.from(curParquetBuffer(stale)), new Date('2026-08-10T04:15:00Z'))
    putObject(s3, BUCKET, newer, Buffer.from(curParquetBuffer(rows)), new Date('2026-08-19T04:15:00Z'))
    putObject(s3, BUCKET, `${PREFIX}/metadata/BILLING_PERIOD=2026-08/20260810T041500Z-aaaa/bedrock-Manifest.json`, manifestJson({ bucket: BUCKET, keys: [old], billingPeriod: '2026-08' }), new Date('2026-08-10T04:16:00Z'))
    putObject(s3, BUCKET, `${PREFIX}/metadata/BILLING_PERIOD=2026-08/20260819T041500Z-bbbb/bedrock-Manifest.json`, manifestJson({ bucket: BUCKET, keys: [newer], billingPeriod: '2026-08' }), new Date('2026-08-19T04:16:00Z'))
    const r = await loadS3(`s3://${BUCKET}/${PREFIX}/`)
    expect(r.errors).toEqual([])
    expect(sums(r.data!)).toEqual(sums(aggregateLikeAthena(rows, ['team'], PERIOD)))
    expect(r.data?.stats.superseded).toEqual([old])
    expect(server.calls.some((c) => c.operation === 'GetObject' && c.params.Key === old)).toBe(false)
  })

  it('spend --cur s3:// reads with the --profile and --region given on the command line', async () => {
    putObject(s3, BUCKET, `${PREFIX}/data/BILLING_PERIOD=2026-08/bedrock-00001.snappy.parquet`, Buffer.from(curParquetBuffer(mixedRows().filter((r) => r.start >= '2026-08'))))
    const config = join(tmp, 'config')
    const creds = join(tmp, 'credentials')
    writeFileSync(config, '[profile audit]\noutput = json\n')
    writeFileSync(creds, `[audit]\naws_access_key_id = ${caller.accessKeyId}\naws_secret_access_key = ${caller.secretAccessKey}\n`)
    // No credentials in the environment: only the named profile can sign the requests.
    const env = { AWS_ENDPOINT_URL: server.url, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: creds, AWS_EC2_METADATA_DISABLED: 'true' }
    const r = await runCli(['spend', '--cur', `s3://${BUCKET}/${PREFIX}/`, '--profile', 'audit', '--region', 'eu-west-1', '--format', 'json'], { env })
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).ledger.total).toBeGreaterThan(0)
    expect(server.calls.some((c) => c.operation === 'GetObject')).toBe(true)
  })

  it('reports AccessDenied as one error with the permissions to grant, and a missing bucket as such', async () => {
    putObject(s3, BUCKET, `${PREFIX}/data/x.parquet`, 'x')
    s3.readers = ['999999999999']
    const denied = await loadS3(`s3://${BUCKET}/${PREFIX}/`)
    expect(denied.data).toBeUndefined()
    expect(denied.errors).toHaveLength(1)
    expect(denied.errors[0]).toMatchObject({ code: 'cur-s3-error', message: expect.stringContaining('refused (AccessDenied)'), hint: expect.stringContaining('s3:ListBucket') })
    delete s3.readers
    const missing = await loadS3('s3://no-such-bucket/cur/')
    expect(missing.errors[0]?.message).toMatch(/does not exist \(NoSuchBucket\)/)
  })

  it('rejects a malformed s3:// location before reading anything', () => {
    expect(() => parseCurLocation('s3://')).toThrow(/not an s3:\/\/bucket\/prefix\/ location/)
  })
})

const athenaTarget = (extra = '') => parseAthenaSpec(`athena://cur_db.cur_table?workgroup=analytics&output=s3://acme-athena/tagwarden/${extra}`)

describe('--cur athena://', () => {
  it('runs the query through QUEUED and RUNNING to SUCCEEDED, pages with NextToken and skips the header row', async () => {
    const rows = mixedRows()
    const agg = aggregateLikeAthena(rows, ['team'], PERIOD)
    athena.answer = () => agg.athena
    athena.pageSize = 3
    athena.pollsBeforeDone = 2
    const r = await curSource(parseCurLocation('athena://cur_db.cur_table?workgroup=analytics&output=s3://acme-athena/tagwarden/'), {
      aws: { athenaClient: athenaClient(), athena: { pollMs: 1 } },
    }).load({ tagKeys: ['team'], period: PERIOD })
    expect(r.errors).toEqual([])
    const calls = server.calls.filter((c) => c.service === 'athena').map((c) => c.operation)
    const pages = Math.ceil((agg.athena.rows.length + 1) / 3)
    expect(calls).toEqual(['StartQueryExecution', 'GetQueryExecution', 'GetQueryExecution', 'GetQueryExecution', ...Array(pages).fill('GetQueryResults')])
    const start = server.calls.find((c) => c.operation === 'StartQueryExecution')!.params
    expect(start).toMatchObject({ QueryExecutionContext: { Database: 'cur_db' }, ResultConfiguration: { OutputLocation: 's3://acme-athena/tagwarden/' }, WorkGroup: 'analytics' })
    expect(String(start.QueryString)).toContain("element_at(tags, 'iamPrincipal/team')")
    // The same rows through the local reader: the same totals, to the cent.
    writeCurParquet(join(tmp, 'export', 'data', 'BILLING_PERIOD=2026-07', 'a.parquet'), rows, { rowGroupSize: 4 })
    const local = await curSource(parseCurLocation(join(tmp, 'export'))).load({ tagKeys: ['team'], period: PERIOD })
    expect(local.errors).toEqual([])
    expect(sums(r.data!)).toEqual(sums(local.data!))
    expect(r.data!.principals.map((p) => [p.arn, p.total.toFixed(2), p.unattributed.toFixed(2)])).toEqual(local.data!.principals.map((p) => [p.arn, p.total.toFixed(2), p.unattributed.toFixed(2)]))
  })

  it('reports a FAILED query with Athena’s reason and a hint, and reads no results', async () => {
    athena.answer = () => ({ fail: "TABLE_NOT_FOUND: line 12:6: Table 'awsdatacatalog.cur_db.cur_table' does not exist" })
    const r = await curSource(parseCurLocation('athena://cur_db.cur_table?output=s3://acme-athena/x/'), { aws: { athenaClient: athenaClient(), athena: { pollMs: 1 } } }).load({ tagKeys: ['team'], period: PERIOD })
    expect(r.data).toBeUndefined()
    expect(r.errors).toEqual([expect.objectContaining({ code: 'cur-athena-failed', message: expect.stringMatching(/FAILED: TABLE_NOT_FOUND/), hint: expect.stringMatching(/DATABASE\.TABLE/) })])
    expect(server.calls.some((c) => c.operation === 'GetQueryResults')).toBe(false)
  })

  it('stops the query on timeout and on Ctrl-C (abort), leaving nothing running', async () => {
    athena.answer = () => ({ columns: ['x'], rows: [] })
    athena.hang = true
    let clock = 0
    const timeout = await curSource(parseCurLocation('athena://cur_db.cur_table?output=s3://acme-athena/x/&timeout=5'), {
      aws: { athenaClient: athenaClient(), athena: { pollMs: 1000, now: () => clock, sleep: async (ms) => void (clock += ms) } },
    }).load({ tagKeys: ['team'], period: PERIOD })
    expect(timeout.errors[0]).toMatchObject({ code: 'cur-athena-timeout' })
    expect([...athena.executions.values()].map((e) => e.state)).toEqual(['CANCELLED'])

    athena.executions.clear()
    const controller = new AbortController()
    const run = runAthenaQuery(athenaClient(), athenaTarget(), 'SELECT 1', () => {}, { signal: controller.signal, pollMs: 5 })
    setTimeout(() => controller.abort(), 30)
    await expect(run).rejects.toBeInstanceOf(AthenaInterrupted)
    expect([...athena.executions.values()].map((e) => e.state)).toEqual(['CANCELLED'])
    expect(server.calls.filter((c) => c.operation === 'StopQueryExecution')).toHaveLength(2)
  })

  it('needs an output location from the workgroup or output=', async () => {
    const r = await curSource(parseCurLocation('athena://cur_db.cur_table'), { aws: { athenaClient: athenaClient(), athena: { pollMs: 1 } } }).load({ tagKeys: ['team'], period: PERIOD })
    expect(r.errors[0]?.message).toMatch(/InvalidRequestException: No output location provided/)
  })

  it('validates the athena:// location and builds SQL that never subscripts a map', () => {
    expect(() => parseCurLocation('athena://only_db')).toThrow(/not DATABASE\.TABLE/)
    expect(() => parseCurLocation('athena://db.t?workgroup=w&colour=blue')).toThrow(/unknown parameter `colour`/)
    expect(() => parseCurLocation('athena://db.t?output=/tmp/x')).toThrow(/not an s3:\/\/ location/)
    expect(parseAthenaSpec('athena://AwsDataCatalog.cur_db.cur_table?timeout=90')).toEqual({ catalog: 'AwsDataCatalog', database: 'cur_db', table: 'cur_table', timeoutSeconds: 90 })
    const sql = curAggregateSql({ database: 'cur_db', table: 'cur_table' }, ['team', "o'brien"], PERIOD)
    expect(sql).not.toMatch(/tags\s*\[/)
    expect(sql).toContain("element_at(tags, 'iamPrincipal/o''brien') AS tag_2")
    expect(sql).toContain("line_item_line_item_type IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')")
    expect(sql).toContain("element_at(product, 'product_name') LIKE '%(Amazon Bedrock Edition)'")
    expect(sql).toContain("line_item_usage_start_date < TIMESTAMP '2026-08-20 00:00:00'")
    // Account, principal, currency, 2 keys, 2 other spellings, day, usage type: the ledger's grain.
    expect(sql).toMatch(/GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9$/)
    expect(sql).toContain("date_format(line_item_usage_start_date, '%Y-%m-%d') AS usage_day")
    expect(sql).toContain("lower(k) = lower('iamPrincipal/team') AND k <> 'iamPrincipal/team'")
    // Only the billing periods the period overlaps (CUR 2.0: a timestamp column).
    expect(sql).toContain("bill_billing_period_start_date >= TIMESTAMP '2026-07-01 00:00:00'")
    expect(sql).toContain("bill_billing_period_start_date <= TIMESTAMP '2026-08-01 00:00:00'")
    expect(sql).toContain('FROM "cur_db"."cur_table"')
  })
})

export type { CurFixtureRow }
