/**
 * The DuckDB reader of local Parquet exports (src/scanners/cur/duckdb.ts) is an accelerator: whatever
 * it reads must come out exactly as hyparquet's row-by-row reading — the same figures, the same key
 * order, the same errors (it hands rows it would skip back to hyparquet).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { openDuckReader, type DuckGroup } from '../../src/scanners/cur/duckdb.js'
import type { CurLoadResult } from '../../src/scanners/cur/load.js'
import { curSource, parseCurLocation } from '../../src/scanners/cur/source.js'
import type { SpendPeriod } from '../../src/model/spend.js'
import { writeCurParquet, type CurFixtureRow } from './fixtures.js'
import { A1, mixedRows } from './helpers.js'

const PERIOD: SpendPeriod = { start: '2026-07-21', end: '2026-08-20' }
let tmp: string
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tagwarden-duckdb-'))
  return () => rmSync(tmp, { recursive: true, force: true })
})

const load = (path: string, parquetReader: 'auto' | 'hyparquet', period: SpendPeriod | null = PERIOD): Promise<CurLoadResult> =>
  curSource(parseCurLocation(path)).load({ tagKeys: ['team', 'cost-center'], parquetReader, ...(period ? { period } : {}) })

/** Both readers, as the JSON they would put in a report. */
async function both(path: string, period: SpendPeriod | null = PERIOD): Promise<[string, string]> {
  return [JSON.stringify(await load(path, 'auto', period)), JSON.stringify(await load(path, 'hyparquet', period))]
}

describe('the DuckDB Parquet reader', () => {
  it('loads on this platform from the package itself, and groups rows by every value the consumer reads', async () => {
    const duck = await openDuckReader()
    expect(duck).toBeDefined()
    const path = join(tmp, 'a.parquet')
    const row: CurFixtureRow = { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 0.25, start: '2026-07-22T00:00:00Z', tags: { 'iamPrincipal/team': 'search' } }
    writeCurParquet(path, [row, { ...row, cost: 0.5 }, { ...row, productCode: 'AmazonEC2', productName: 'EC2' }, { ...row, tags: {} }])
    const groups: DuckGroup[] = []
    try {
      await duck!.groups([path], ['line_item_usage_account_id', 'line_item_iam_principal', 'line_item_product_code', 'line_item_line_item_type', 'line_item_unblended_cost', 'line_item_usage_start_date', 'tags', 'product'], ['team'], (g) => groups.push(g) > 0)
    } finally {
      duck!.close()
    }
    expect(groups.map((g) => [g.rows, g.row?.cost ?? null, (g.row?.tags as Record<string, string> | undefined)?.['iamPrincipal/team'] ?? null])).toEqual([
      [2, 0.75, 'search'],
      [1, null, null],
      [1, 0.25, null],
    ])
  })

  it('gives exactly what hyparquet gives: several files and row groups, Marketplace rows, credits, sessions, blank, null and other-spelling tags', async () => {
    const rows = mixedRows().map((r, i) => (i % 3 === 0 && r.tags ? { ...r, tags: { ...r.tags, 'iamPrincipal/cost-center': `cc-${i % 4}` } } : r))
    // Other spellings of a required key (the ledger's case drift) and usage types.
    rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/bob`, cost: 1.25, start: '2026-07-23T00:00:00Z', usageType: 'USE1-Claude-input', tags: { 'iamPrincipal/Team': 'ads', 'IAMPRINCIPAL/TEAM': 'x' } })
    rows.push({ account: A1, principal: `arn:aws:iam::${A1}:user/bob`, cost: 0.5, start: '2026-07-23T00:00:00Z', usageType: 'USE1-Claude-output', tags: { 'iamPrincipal/team': ' ', 'iamPrincipal/Team': 'ads' } })
    writeCurParquet(join(tmp, 'x', 'data', 'BILLING_PERIOD=2026-07', 'x-00001.snappy.parquet'), rows.slice(0, 30), { rowGroupSize: 7 })
    writeCurParquet(join(tmp, 'x', 'data', 'BILLING_PERIOD=2026-08', 'x-00001.snappy.parquet'), rows.slice(30), { rowGroupSize: 5, omit: ['line_item_currency_code'] })
    const [duck, hyparquet] = await both(join(tmp, 'x'))
    expect(duck).toBe(hyparquet)
    const [duckAll, hyparquetAll] = await both(join(tmp, 'x'), null)
    expect(duckAll).toBe(hyparquetAll)
  })

  it('leaves a file with a row it would skip, or a path DuckDB would read as a pattern, to hyparquet', async () => {
    const ok: CurFixtureRow = { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 1, start: '2026-07-22T00:00:00Z', tags: {} }
    writeCurParquet(join(tmp, 'bad.parquet'), [ok, { ...ok, account: 'not-an-account' }, { ...ok, cost: Number.NaN }])
    const [duck, hyparquet] = await both(join(tmp, 'bad.parquet'))
    expect(duck).toBe(hyparquet)
    expect(JSON.parse(duck).errors[0].message).toMatch(/row/)
    writeCurParquet(join(tmp, 'odd [1]*.parquet'), [ok])
    const [a, b] = await both(join(tmp, 'odd [1]*.parquet'))
    expect(a).toBe(b)
    expect(JSON.parse(a).data.total).toBe(1)
  })
})
