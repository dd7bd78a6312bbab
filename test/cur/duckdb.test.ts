/**
 * The DuckDB reader of local Parquet exports (src/scanners/cur/duckdb.ts) is an accelerator: whatever
 * it reads must come out exactly as hyparquet's row-by-row reading — the same figures, the same key
 * order, the same errors (it hands rows it would skip back to hyparquet).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { RowKind, openDuckReader } from '../../src/scanners/cur/duckdb.js'
import type { CurLoadResult } from '../../src/scanners/cur/load.js'
import { curSource, parseCurLocation } from '../../src/scanners/cur/source.js'
import type { SpendPeriod } from '../../src/model/spend.js'
import { manifestJson, writeCurParquet, writeText, type CurFixtureRow } from './fixtures.js'
import { rng, syntheticRow } from '../../bench/cur.js'
import { A1, mixedRows } from './helpers.js'

const PERIOD: SpendPeriod = { start: '2026-07-21', end: '2026-08-20' }
let tmp: string
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tagwarden-duckdb-'))
  return () => rmSync(tmp, { recursive: true, force: true })
})

const load = (path: string, parquetReader: 'auto' | 'hyparquet' | 'duckdb', period: SpendPeriod | null = PERIOD, tagKeys = ['team', 'cost-center']): Promise<CurLoadResult> =>
  curSource(parseCurLocation(path)).load({ tagKeys, parquetReader, ...(period ? { period } : {}) })

/**
 * Both readers, as the JSON they would put in a report (the ledger's cells included). `duckdb` fails
 * instead of falling back to hyparquet, so equal output means DuckDB's aggregation gave it.
 */
async function both(path: string, period: SpendPeriod | null = PERIOD, reader: 'auto' | 'duckdb' = 'duckdb', tagKeys?: string[]): Promise<[string, string]> {
  return [JSON.stringify(await load(path, reader, period, tagKeys)), JSON.stringify(await load(path, 'hyparquet', period, tagKeys))]
}

/** The native module ships for the platforms npm installs it on; elsewhere only hyparquet is tested. */
const duckLoads = await openDuckReader().then((d) => (d?.close(), d !== undefined))
if (!duckLoads) console.warn('test/cur/duckdb.test.ts: the DuckDB native module (@duckdb/node-api) does not load here: the DuckDB comparisons are SKIPPED')

describe.skipIf(!duckLoads)('the DuckDB Parquet reader', () => {
  it('loads on this platform from the package itself, and aggregates in SQL: counts, spend per billed principal, cells per caller and day', async () => {
    const duck = await openDuckReader()
    const path = join(tmp, 'a.parquet')
    const row: CurFixtureRow = { account: A1, principal: `arn:aws:sts::${A1}:assumed-role/r/s1`, cost: 0.25, start: '2026-07-22T00:00:00Z', tags: { 'iamPrincipal/team': 'search' } }
    writeCurParquet(path, [row, { ...row, cost: 0.5, principal: `arn:aws:sts::${A1}:assumed-role/r/s2` }, { ...row, productCode: 'AmazonEC2', productName: 'EC2' }, { ...row, tags: {} }])
    const out: string[] = []
    try {
      await duck!.aggregate([path], { tagKeys: ['team'], period: { start: Date.parse('2026-07-01'), end: Date.parse('2026-08-01') } }, {
        count: (kind, account, rows) => void out.push(`count ${kind} ${account} ${rows}`),
        spend: (g) => void out.push(`spend ${g.principal.split('/').pop()} ${g.values[0] ?? '-'} ${g.cost} ${g.rows}`),
        cell: (_a, caller, day, values, _c, micro) => void out.push(`cell ${caller.split(':').pop()} ${day} ${values[0]} ${micro}`),
        model: (_a, caller, usageType, values, _c, micro) => void out.push(`model ${caller.split(':').pop()} ${usageType} ${values[0]} ${micro}`),
      })
    } finally {
      duck!.close()
    }
    expect(out.sort()).toEqual([
      `cell assumed-role/r/- 20656 ${''} 250000`,
      'cell assumed-role/r/- 20656 search 750000',
      `count ${RowKind.Other} ${A1} 1`,
      `count ${RowKind.Included} ${A1} 3`,
      'model assumed-role/r/- USE1-Claude4.6Sonnet-input-tokens  250000',
      'model assumed-role/r/- USE1-Claude4.6Sonnet-input-tokens search 750000',
      'spend s1 - 0.25 1',
      'spend s1 search 0.25 1',
      'spend s2 search 0.5 1',
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

  it('gives exactly what hyparquet gives for exports without the optional columns', async () => {
    for (const omit of [['line_item_usage_end_date'], ['product'], ['line_item_usage_type', 'line_item_currency_code']]) {
      writeCurParquet(join(tmp, `${omit[0]}.parquet`), mixedRows(), { omit })
      const [duck, hyparquet] = await both(join(tmp, `${omit[0]}.parquet`))
      expect(duck).toBe(hyparquet)
    }
  })

  it('leaves a file with a row it would skip, or a path DuckDB would read as a pattern, to hyparquet', async () => {
    const ok: CurFixtureRow = { account: A1, principal: `arn:aws:iam::${A1}:user/alice`, cost: 1, start: '2026-07-22T00:00:00Z', tags: {} }
    writeCurParquet(join(tmp, 'bad.parquet'), [ok, { ...ok, account: 'not-an-account' }, { ...ok, cost: Number.NaN }])
    const [duck, hyparquet] = await both(join(tmp, 'bad.parquet'), PERIOD, 'auto')
    expect(duck).toBe(hyparquet)
    expect(JSON.parse(duck).errors[0].message).toMatch(/row/)
    writeCurParquet(join(tmp, 'odd [1]*.parquet'), [ok])
    const [a, b] = await both(join(tmp, 'odd [1]*.parquet'), PERIOD, 'auto')
    expect(a).toBe(b)
    expect(JSON.parse(a).data.total).toBe(1)
  })

  it('gives exactly what hyparquet gives on the demo export, with its period and without one', async () => {
    const demo = join('examples', 'demo-org', 'cur', 'parquet')
    for (const period of [PERIOD, { start: '2026-07-25', end: '2026-08-03' }, null]) {
      const [duck, hyparquet] = await both(demo, period, 'duckdb', ['team'])
      expect(duck).toBe(hyparquet)
      expect(JSON.parse(duck).data.cells.length).toBeGreaterThan(0)
    }
  })

  it('gives the same ledger cells for rows clipped at the period’s edges, and every other figure within a few micro-units', async () => {
    // Rows of a day starting at every hour: the period's edges cut them in proportion (cost × hours/24).
    // Such costs summed in another order can land on the other side of a half micro-unit: the ledger's
    // cells are integer micro-units per row, exact in any order; the other figures are float sums.
    writeCurParquet(join(tmp, 'a.parquet'), hourlyRows(20_000, 11, 24), { rowGroupSize: 3000 })
    const [duck, hyparquet] = (await both(join(tmp, 'a.parquet'), { start: '2026-08-03', end: '2026-08-20' })).map((x) => JSON.parse(x).data)
    expect(duck.cells).toEqual(hyparquet.cells)
    expect(duck.modelCells).toEqual(hyparquet.modelCells)
    expect(duck.stats).toEqual(hyparquet.stats)
    expect(withinMicro(duck, hyparquet)).toEqual([])
  })

  it('counts a re-delivered billing period once, as hyparquet does: only the newest manifest’s files are read', async () => {
    const rows = hourlyRows(20_000, 7, 1)
    const stale = rows.map((x) => ({ ...x, cost: x.cost * 10 }))
    const exp = join(tmp, 'cur2', 'bedrock')
    const file = (d: string, n: number): string => join(exp, 'data', 'BILLING_PERIOD=2026-08', d, `bedrock-0000${n}.snappy.parquet`)
    writeCurParquet(file('20260810T040000Z', 1), stale, { rowGroupSize: 3000 })
    writeCurParquet(file('20260815T040000Z', 1), rows.slice(0, 12_000), { rowGroupSize: 3000 })
    writeCurParquet(file('20260815T040000Z', 2), rows.slice(12_000), { rowGroupSize: 3000 })
    // A leftover chunk the newest manifest does not list.
    writeCurParquet(file('20260815T040000Z', 3), stale.slice(0, 500))
    const key = (d: string, n: number) => `cur2/bedrock/data/BILLING_PERIOD=2026-08/${d}/bedrock-0000${n}.snappy.parquet`
    writeText(join(exp, 'metadata', 'BILLING_PERIOD=2026-08', '20260810T040000Z', 'bedrock-Manifest.json'), manifestJson({ bucket: 'b', keys: [key('20260810T040000Z', 1)], billingPeriod: '2026-08' }))
    writeText(join(exp, 'metadata', 'BILLING_PERIOD=2026-08', '20260815T040000Z', 'bedrock-Manifest.json'), manifestJson({ bucket: 'b', keys: [key('20260815T040000Z', 1), key('20260815T040000Z', 2)], billingPeriod: '2026-08' }))
    // A period cutting days (and hours) in the middle, and none.
    for (const period of [{ start: '2026-08-03', end: '2026-08-20' }, null]) {
      const [duck, hyparquet] = await both(join(tmp, 'cur2'), period)
      expect(duck).toBe(hyparquet)
      const data = JSON.parse(duck).data
      expect(data.stats.superseded).toHaveLength(2)
      expect(data.stats.rows).toBe(20_000)
    }
  })
})

/** Rows of the benchmark's generator, in August, starting at every hour and lasting `hours`. */
function hourlyRows(n: number, seed: number, hours: number): CurFixtureRow[] {
  const r = rng(seed)
  return Array.from({ length: n }, (_, i) => {
    const start = Date.UTC(2026, 7, 1 + (i % 28), i % 24)
    return { ...syntheticRow(i, r), start: new Date(start).toISOString(), end: new Date(start + hours * 3_600_000).toISOString() }
  })
}

/**
 * Paths where two JSON values differ by more than a few micro-units (or in anything but a number): one
 * per float sum, and `byTag` adds the per-account figures already rounded.
 */
function withinMicro(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 5e-6 ? [] : [path]
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b ? [] : [path]
  const keys = Object.keys(a)
  if (keys.join('\n') !== Object.keys(b).join('\n')) return [`${path} (keys)`]
  return keys.flatMap((k) => withinMicro((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`))
}
