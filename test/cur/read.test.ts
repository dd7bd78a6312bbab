/**
 * The local CUR readers: the same rows as Parquet (MAP columns, several row groups and files), CSV and
 * CSV.gz (JSON text) give the same figures as the literal aggregation; Bedrock rows are told apart
 * from the rest; re-deliveries count once; bad input becomes an error that names the file and row.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { CsvParser } from '../../src/scanners/cur/csv.js'
import { curSource, parseCurLocation } from '../../src/scanners/cur/source.js'
import type { CurLoadResult } from '../../src/scanners/cur/load.js'
import { manifestJson, writeCurCsv, writeCurParquet, writeText, type CurFixtureRow } from './fixtures.js'
import { A1, A2, aggregateLikeAthena, mixedRows, sums } from './helpers.js'
import type { SpendPeriod } from '../../src/model/spend.js'

const PERIOD: SpendPeriod = { start: '2026-07-21', end: '2026-08-20' }
let tmp: string
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tagwarden-cur-'))
  return () => rmSync(tmp, { recursive: true, force: true })
})

/** `null`: no period given. */
const load = (path: string, period: SpendPeriod | null = PERIOD, tagKeys = ['team']): Promise<CurLoadResult> =>
  curSource(parseCurLocation(path)).load({ tagKeys, ...(period ? { period } : {}) })

describe('reading a CUR 2.0 export', () => {
  it('gives the same figures from Parquet, CSV and CSV.gz, equal to the literal aggregation', async () => {
    const rows = mixedRows()
    const jul = rows.filter((r) => r.start < '2026-08')
    const aug = rows.filter((r) => r.start >= '2026-08')
    writeCurParquet(join(tmp, 'pq', 'data', 'BILLING_PERIOD=2026-07', 'x-00001.snappy.parquet'), jul.slice(0, 20), { rowGroupSize: 6 })
    writeCurParquet(join(tmp, 'pq', 'data', 'BILLING_PERIOD=2026-07', 'x-00002.snappy.parquet'), jul.slice(20), { rowGroupSize: 6 })
    writeCurParquet(join(tmp, 'pq', 'data', 'BILLING_PERIOD=2026-08', 'x-00001.snappy.parquet'), aug, { rowGroupSize: 6 })
    writeCurCsv(join(tmp, 'csv', 'data', 'BILLING_PERIOD=2026-07', 'x-00001.csv'), jul)
    writeCurCsv(join(tmp, 'csv', 'data', 'BILLING_PERIOD=2026-08', 'x-00001.csv'), aug)
    writeCurCsv(join(tmp, 'gz', 'data', 'BILLING_PERIOD=2026-07', 'x-00001.csv.gz'), jul, { gzip: true })
    writeCurCsv(join(tmp, 'gz', 'data', 'BILLING_PERIOD=2026-08', 'x-00001.csv.gz'), aug, { gzip: true })
    const expected = sums(aggregateLikeAthena(rows, ['team'], PERIOD))
    const results = await Promise.all(['pq', 'csv', 'gz'].map((d) => load(join(tmp, d))))
    for (const r of results) {
      expect(r.errors).toEqual([])
      expect(sums(r.data!)).toEqual(expected)
    }
    const [pq, csv] = results.map((r) => r.data!)
    expect(pq!.principals).toEqual(csv!.principals)
    expect(pq!.stats).toMatchObject({ files: 3, rows: rows.length })
  })

  it('counts Bedrock usage only: Marketplace models in, other services, credits, taxes and fees out; clips to the period', async () => {
    writeCurParquet(join(tmp, 'a.parquet'), mixedRows(), { rowGroupSize: 10 })
    const r = await load(join(tmp, 'a.parquet'))
    const d = r.data!
    const by = (arn: string) => d.principals.find((p) => p.arn === arn)
    // The Marketplace model (okta-ds) counts; EC2 (ec2-ops) and a non-Bedrock Marketplace product (bob) do not.
    expect(by(`arn:aws:iam::${A2}:role/okta-ds`)?.total).toBe(2.5 * 6)
    expect(by(`arn:aws:iam::${A2}:user/ec2-ops`)).toBeUndefined()
    expect(by(`arn:aws:iam::${A1}:user/bob`)).toBeUndefined()
    // alice: 6 daily rows in the period (1.1+i for i=1..6), SavingsPlanCoveredUsage 6 × 0.12, and 11 of 31 days of a monthly 3.1.
    const alice = by(`arn:aws:iam::${A1}:user/alice`)!
    expect(alice.total).toBeCloseTo([1, 2, 3, 4, 5, 6].reduce((n, i) => n + 1.1 + i, 0) + 6 * 0.12 + (3.1 * 11) / 31, 6)
    expect(alice.unattributed).toBe(0)
    expect(d.stats.nonUsageRows).toBe(8 + 1)
  })

  it('keeps role sessions as evidence and treats missing, null and blank tags as unattributed', async () => {
    writeCurCsv(join(tmp, 'a.csv'), mixedRows())
    const d = (await load(join(tmp, 'a.csv'))).data!
    const svc = d.principals.find((p) => p.name === 'svc-role')!
    expect(svc.kind).toBe('role')
    expect(svc.sessions?.top.map((s) => s.name).sort()).toEqual(['i-0abc0', 'i-0abc1', 'i-0abc2'])
    // Sessions with `userAttribute/` only (no iamPrincipal/team) are unattributed; `ads` ones are not.
    expect(svc.unattributed).toBeGreaterThan(0)
    expect(svc.byKey.team?.values).toEqual({ ads: expect.any(Number) })
    expect(d.principals.find((p) => p.name === 'deleted-notebook')).toMatchObject({ unattributed: 0.3, total: 0.3 })
    expect(d.principals.find((p) => p.name === 'okta-ds')?.unattributed).toBe(15)
    const none = d.principals.find((p) => p.kind === 'none')!
    expect(none).toMatchObject({ accountId: A2, total: 4.2, unattributed: 4.2 })
  })

  it('without a period reads the days the export covers, not before IAM principal data exists', async () => {
    writeCurParquet(join(tmp, 'a.parquet'), [
      { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 7, start: '2026-03-30T00:00:00Z', tags: {} },
      { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 1, start: '2026-04-08T00:00:00Z', tags: {} },
      { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 2, start: '2026-05-02T10:00:00Z', end: '2026-05-02T11:00:00Z', tags: {} },
    ])
    const d = (await load(join(tmp, 'a.parquet'), null)).data!
    expect(d.period).toEqual({ start: '2026-04-08', end: '2026-05-03' })
    expect(d.total).toBe(3)
  })

  it('reads only the newest manifest’s files of a re-delivered period, and the newest folder where there is no manifest', async () => {
    const rows = mixedRows().filter((r) => r.start >= '2026-08')
    const stale = rows.map((r) => ({ ...r, cost: r.cost * 10 }))
    const exp = join(tmp, 'cur2', 'bedrock')
    // August: "create new" deliveries with manifests; the 0815 one lists two files, an older leftover chunk is not listed.
    writeCurParquet(join(exp, 'data', 'BILLING_PERIOD=2026-08', '20260810T040000Z', 'bedrock-00001.snappy.parquet'), stale)
    writeCurParquet(join(exp, 'data', 'BILLING_PERIOD=2026-08', '20260815T040000Z', 'bedrock-00001.snappy.parquet'), rows.slice(0, 10))
    writeCurParquet(join(exp, 'data', 'BILLING_PERIOD=2026-08', '20260815T040000Z', 'bedrock-00002.snappy.parquet'), rows.slice(10))
    writeCurParquet(join(exp, 'data', 'BILLING_PERIOD=2026-08', '20260815T040000Z', 'bedrock-00003.snappy.parquet'), stale)
    const key = (d: string, f: string) => `cur2/bedrock/data/BILLING_PERIOD=2026-08/${d}/${f}`
    writeText(join(exp, 'metadata', 'BILLING_PERIOD=2026-08', '20260810T040000Z', 'bedrock-Manifest.json'), manifestJson({ bucket: 'b', keys: [key('20260810T040000Z', 'bedrock-00001.snappy.parquet')], billingPeriod: '2026-08' }))
    writeText(join(exp, 'metadata', 'BILLING_PERIOD=2026-08', '20260815T040000Z', 'bedrock-Manifest.json'), manifestJson({ bucket: 'b', keys: [key('20260815T040000Z', 'bedrock-00001.snappy.parquet'), key('20260815T040000Z', 'bedrock-00002.snappy.parquet')], billingPeriod: '2026-08' }))
    // July: two delivery folders, no manifest.
    const jul = mixedRows().filter((r) => r.start < '2026-08')
    writeCurCsv(join(exp, 'data', 'BILLING_PERIOD=2026-07', '20260801T040000Z', 'bedrock-00001.csv.gz'), jul.map((r) => ({ ...r, cost: r.cost * 2 })), { gzip: true })
    writeCurCsv(join(exp, 'data', 'BILLING_PERIOD=2026-07', '20260803T040000Z', 'bedrock-00001.csv.gz'), jul, { gzip: true })
    const r = await load(join(tmp, 'cur2'))
    expect(r.errors).toEqual([])
    expect(sums(r.data!)).toEqual(sums(aggregateLikeAthena([...jul, ...rows], ['team'], PERIOD)))
    expect(r.data!.stats.superseded).toHaveLength(3)
    expect(r.data!.notes.join('\n')).toMatch(/billing period 2026-07 has 2 deliveries and no manifest; only the newest/)
    expect(r.data!.notes.join('\n')).toMatch(/1 older manifest/)
  })

  it('reports a manifest that lists a missing file as an incomplete period', async () => {
    writeCurParquet(join(tmp, 'e', 'data', 'BILLING_PERIOD=2026-08', 'x-00001.parquet'), mixedRows())
    writeText(join(tmp, 'e', 'metadata', 'BILLING_PERIOD=2026-08', 'e-Manifest.json'), manifestJson({ bucket: 'b', keys: ['e/data/BILLING_PERIOD=2026-08/x-00001.parquet', 'e/data/BILLING_PERIOD=2026-08/x-00002.parquet'], billingPeriod: '2026-08' }))
    const r = await load(join(tmp, 'e'))
    expect(r.data?.stats.files).toBe(1)
    expect(r.errors).toEqual([expect.objectContaining({ code: 'cur-incomplete-delivery', message: expect.stringContaining('x-00002.parquet') })])
  })
})

describe('bad input', () => {
  it('names a file that is not Parquet or CSV, and still reads the rest', async () => {
    writeCurParquet(join(tmp, 'x', 'good.parquet'), mixedRows())
    writeFileSync(join(tmp, 'x', 'broken.parquet'), 'PAR1 but not really')
    writeFileSync(join(tmp, 'x', 'image.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01]))
    const r = await load(join(tmp, 'x'))
    expect(r.data?.stats.files).toBe(1)
    expect(r.errors.map((e) => [e.code, e.source])).toEqual([
      ['cur-not-data', join(tmp, 'x', 'broken.parquet')],
      ['cur-not-data', join(tmp, 'x', 'image.csv')],
    ])
    expect(r.errors[1]?.message).toMatch(/not a CSV file/)
  })

  it('says how to enable IAM principal data when the export has no line_item_iam_principal', async () => {
    writeCurParquet(join(tmp, 'p.parquet'), mixedRows(), { omit: ['line_item_iam_principal'] })
    writeCurCsv(join(tmp, 'c.csv'), mixedRows(), { omit: ['line_item_iam_principal'] })
    for (const f of ['p.parquet', 'c.csv']) {
      const r = await load(join(tmp, f))
      expect(r.data).toBeUndefined()
      expect(r.errors[0]).toMatchObject({ code: 'cur-no-iam-principal', source: join(tmp, f) })
      expect(r.errors[0]?.hint).toMatch(/Include caller identity \(IAM principal\) allocation data.*INCLUDE_IAM_PRINCIPAL_DATA/)
    }
  })

  it('skips malformed CSV rows with file and line in the error, counts them, and reads the rest', async () => {
    const good: CurFixtureRow[] = mixedRows().slice(0, 5)
    const lines = [
      'line_item_usage_account_id,line_item_iam_principal,line_item_product_code,line_item_line_item_type,line_item_unblended_cost,line_item_usage_start_date,tags',
      `${A1},arn:aws:iam::${A1}:user/alice,AmazonBedrock,Usage,1.5,2026-08-01T00:00:00Z,"{""iamPrincipal/team"":""search""}"`,
      `${A1},arn:aws:iam::${A1}:user/alice,AmazonBedrock,Usage,abc,2026-08-01T00:00:00Z,{}`,
      `${A1},arn:aws:iam::${A1}:user/alice,AmazonBedrock,Usage,2`,
      `${A1},arn:aws:iam::${A1}:user/alice,AmazonBedrock,Usage,2.5,2026-08-02T00:00:00Z,"{not json"`,
      `${A1},"arn:aws:iam::${A1}:user/alice",AmazonBedrock,Usage,4,2026-08-03 00:00:00,`,
    ]
    writeFileSync(join(tmp, 'm.csv'), `${lines.join('\r\n')}\r\n`)
    const r = await load(join(tmp, 'm.csv'))
    expect(r.data?.total).toBe(5.5)
    expect(r.data?.stats.skippedRows).toBe(3)
    expect(r.errors).toHaveLength(1)
    expect(r.errors[0]).toMatchObject({ code: 'cur-malformed-rows', source: join(tmp, 'm.csv') })
    expect(r.errors[0]?.message).toContain('line 3: `line_item_unblended_cost` is not a number ("abc")')
    expect(r.errors[0]?.message).toContain('line 4: 5 fields where the header has 7')
    expect(r.errors[0]?.message).toContain('line 5: `tags` is not a JSON object')
    expect(good).toHaveLength(5)
  })

  it('reports an empty folder and a path that does not exist', async () => {
    const empty = await load(tmp)
    expect(empty.reason).toMatch(/no CUR 2\.0 data files/)
    expect(empty.errors[0]?.code).toBe('cur-no-data')
    const missing = await load(join(tmp, 'nope'))
    expect(missing.errors[0]).toMatchObject({ code: 'cur-unreadable', message: expect.stringContaining('not found') })
  })
})

describe('CsvParser', () => {
  const parse = (chunks: string[]) => {
    const out: Array<[number, string[]]> = []
    const errors: string[] = []
    const p = new CsvParser((f, l) => out.push([l, f]), (m) => errors.push(m))
    for (const c of chunks) p.push(c)
    p.end()
    return { out, errors }
  }

  it('handles quotes, doubled quotes, separators and line breaks in fields, split anywhere across chunks', () => {
    const text = 'a,b,c\r\n"x, y","say ""hi""","two\nlines"\n,,\n"",last\n'
    const whole = parse([text])
    expect(whole.out).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['x, y', 'say "hi"', 'two\nlines']],
      [4, ['', '', '']],
      [5, ['', 'last']],
    ])
    for (let cut = 1; cut < text.length; cut++) expect(parse([text.slice(0, cut), text.slice(cut)]).out).toEqual(whole.out)
  })

  it('reports an unterminated quote and still delivers the last record', () => {
    const r = parse(['a,"b\nc'])
    expect(r.errors).toEqual(['a quoted field is not closed before the end of the file'])
    expect(r.out).toEqual([[1, ['a', 'b\nc']]])
  })
})

describe('a CUR export inside an --input folder', () => {
  it('has manifests the snapshot planner recognises as known, non-IAM files (not errors)', async () => {
    const { planSnapshot } = await import('../../src/scanners/snapshot/index.js')
    const plan = await planSnapshot(['examples/demo-org/cur'])
    expect(plan.errors).toEqual([])
    expect(plan.otherFiles.map((f) => f.kind)).toEqual(['cur-manifest', 'cur-manifest', 'cur-manifest', 'cur-manifest'])
    const { DEFAULT_RECOGNISERS } = await import('../../src/scanners/snapshot/index.js')
    const { CUR_RECOGNISERS } = await import('../../src/scanners/cur/recognisers.js')
    const without = await planSnapshot(['examples/demo-org/cur'], { recognisers: DEFAULT_RECOGNISERS.filter((r) => !(CUR_RECOGNISERS as readonly unknown[]).includes(r)) })
    expect(without.errors.map((e) => e.code)).toEqual(['unrecognised-input', 'unrecognised-input', 'unrecognised-input', 'unrecognised-input'])
  })
})
