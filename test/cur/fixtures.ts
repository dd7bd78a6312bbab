/**
 * CUR 2.0 fixtures in the export's real shape, written by the tests: Parquet with Snappy, several row
 * groups, MAP columns (`tags`, `product`) and millisecond timestamps; CSV (and gzip) with `tags` and
 * `product` as JSON text; `Manifest.json` files with `dataFiles` as Data Exports writes them.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ByteWriter, ParquetWriter, fileWriter, parquetWriteBuffer } from 'hyparquet-writer'

/** hyparquet-writer brings its own hyparquet: its schema type, not the reader's. */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number]

export interface CurFixtureRow {
  account: string
  /** `line_item_iam_principal`; null/undefined: no caller. */
  principal?: string | null
  productCode?: string
  /** `product['product_name']`. */
  productName?: string
  lineItemType?: string
  cost: number
  currency?: string
  /** ISO instant; the row covers one day from it unless `end` is given. */
  start: string
  end?: string
  /** The whole `tags` map (`iamPrincipal/team` etc.); null: a null map. */
  tags?: Record<string, string> | null
  usageType?: string
}

/** The columns, in the order a CUR 2.0 export query lists them (plus a few tagwarden does not read). */
export const CUR_COLUMNS = [
  'bill_billing_period_start_date',
  'line_item_usage_account_id',
  'line_item_line_item_type',
  'line_item_product_code',
  'line_item_usage_type',
  'line_item_usage_start_date',
  'line_item_usage_end_date',
  'line_item_unblended_cost',
  'line_item_currency_code',
  'line_item_iam_principal',
  'tags',
  'product',
] as const

const str = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' })
const ts = (name: string): SchemaElement => ({ name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', repetition_type: 'OPTIONAL' })
const map = (name: string): SchemaElement[] => [
  { name, repetition_type: 'OPTIONAL', converted_type: 'MAP', num_children: 1 },
  { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
  { name: 'key', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'value', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
]

function schemaFor(columns: readonly string[]): SchemaElement[] {
  const out: SchemaElement[] = [{ name: 'schema', num_children: columns.length }]
  for (const c of columns) {
    if (c === 'tags' || c === 'product') out.push(...map(c))
    else if (c.endsWith('_date')) out.push(ts(c))
    else if (c === 'line_item_unblended_cost') out.push({ name: c, type: 'DOUBLE', repetition_type: 'OPTIONAL' })
    else out.push(str(c))
  }
  return out
}

const DAY = 86_400_000

function endOf(r: CurFixtureRow): number {
  return r.end ? Date.parse(r.end) : Date.parse(r.start) + DAY
}

function periodStartOf(iso: string): number {
  const d = new Date(iso)
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)
}

/** Column arrays of the rows; `omit` drops columns (an export without IAM principal data, without tags…). */
export function columnData(rows: readonly CurFixtureRow[], omit: readonly string[] = []) {
  const columns = CUR_COLUMNS.filter((c) => !omit.includes(c))
  const get: Record<string, (r: CurFixtureRow) => unknown> = {
    bill_billing_period_start_date: (r) => BigInt(periodStartOf(r.start)),
    line_item_usage_account_id: (r) => r.account,
    line_item_line_item_type: (r) => r.lineItemType ?? 'Usage',
    line_item_product_code: (r) => r.productCode ?? 'AmazonBedrock',
    line_item_usage_type: (r) => r.usageType ?? 'USE1-Claude4.6Sonnet-input-tokens',
    line_item_usage_start_date: (r) => BigInt(Date.parse(r.start)),
    line_item_usage_end_date: (r) => BigInt(endOf(r)),
    line_item_unblended_cost: (r) => r.cost,
    line_item_currency_code: (r) => r.currency ?? 'USD',
    line_item_iam_principal: (r) => r.principal ?? null,
    tags: (r) => (r.tags === null ? null : (r.tags ?? {})),
    product: (r) => ({ product_name: r.productName ?? (r.productCode === undefined || r.productCode === 'AmazonBedrock' ? 'Amazon Bedrock' : 'Other'), servicecode: r.productCode ?? 'AmazonBedrock' }),
  }
  return { columns, schema: schemaFor(columns), data: columns.map((name) => ({ name, data: rows.map((r) => get[name]!(r)) as unknown[] })) }
}

export function curParquetBuffer(rows: readonly CurFixtureRow[], opts: { rowGroupSize?: number; omit?: readonly string[] } = {}): ArrayBuffer {
  const { schema, data } = columnData(rows, opts.omit)
  return parquetWriteBuffer({ schema, columnData: data as never, rowGroupSize: opts.rowGroupSize ?? 1000 })
}

export function writeCurParquet(path: string, rows: readonly CurFixtureRow[], opts: { rowGroupSize?: number; omit?: readonly string[] } = {}): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, new Uint8Array(curParquetBuffer(rows, opts)))
}

/** A Parquet file written row group by row group (the benchmark's millions of rows). */
export function curParquetStream(path: string, opts: { omit?: readonly string[] } = {}) {
  mkdirSync(dirname(path), { recursive: true })
  const columns = CUR_COLUMNS.filter((c) => !(opts.omit ?? []).includes(c))
  const writer = new ParquetWriter({ writer: fileWriter(path), schema: schemaFor(columns) })
  return {
    write(rows: readonly CurFixtureRow[]): void {
      const { data } = columnData(rows, opts.omit)
      void writer.write({ columnData: data as never, rowGroupSize: rows.length })
    },
    finish: (): void => void writer.finish(),
  }
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

export function curCsvText(rows: readonly CurFixtureRow[], opts: { omit?: readonly string[] } = {}): string {
  const columns = CUR_COLUMNS.filter((c) => !(opts.omit ?? []).includes(c))
  const lines = [columns.join(',')]
  for (const r of rows) lines.push(columns.map((c) => csvField(csvValue(r, c))).join(','))
  return `${lines.join('\n')}\n`
}

export function csvValue(r: CurFixtureRow, c: string): string {
  switch (c) {
    case 'bill_billing_period_start_date':
      return iso(periodStartOf(r.start))
    case 'line_item_usage_account_id':
      return r.account
    case 'line_item_line_item_type':
      return r.lineItemType ?? 'Usage'
    case 'line_item_product_code':
      return r.productCode ?? 'AmazonBedrock'
    case 'line_item_usage_type':
      return r.usageType ?? 'USE1-Claude4.6Sonnet-input-tokens'
    case 'line_item_usage_start_date':
      return iso(Date.parse(r.start))
    case 'line_item_usage_end_date':
      return iso(endOf(r))
    case 'line_item_unblended_cost':
      return String(r.cost)
    case 'line_item_currency_code':
      return r.currency ?? 'USD'
    case 'line_item_iam_principal':
      return r.principal ?? ''
    case 'tags':
      return r.tags === null ? '' : JSON.stringify(r.tags ?? {})
    case 'product':
      return JSON.stringify({ product_name: r.productName ?? (r.productCode === undefined || r.productCode === 'AmazonBedrock' ? 'Amazon Bedrock' : 'Other'), servicecode: r.productCode ?? 'AmazonBedrock' })
    default:
      return ''
  }
}

export function writeCurCsv(path: string, rows: readonly CurFixtureRow[], opts: { gzip?: boolean; omit?: readonly string[] } = {}): void {
  mkdirSync(dirname(path), { recursive: true })
  const text = curCsvText(rows, opts)
  writeFileSync(path, opts.gzip ? gzipSync(text) : text)
}

/** A CUR 2.0 `Manifest.json` listing `dataFiles` as `s3://bucket/key`. */
export function manifestJson(o: { bucket: string; keys: readonly string[]; billingPeriod: string; executionId?: string }): string {
  const [y, m] = o.billingPeriod.split('-').map(Number) as [number, number]
  const start = new Date(Date.UTC(y, m - 1, 1)).toISOString()
  const end = new Date(Date.UTC(y, m, 1)).toISOString()
  return `${JSON.stringify(
    {
      executionId: o.executionId ?? `exec-${o.billingPeriod}`,
      billingPeriod: { start, end },
      dataFiles: o.keys.map((k) => `s3://${o.bucket}/${k}`),
      columns: CUR_COLUMNS.map((name) => ({ name, type: name === 'tags' || name === 'product' ? 'map<string,string>' : name.endsWith('_date') ? 'timestamp' : name === 'line_item_unblended_cost' ? 'double' : 'string' })),
    },
    null,
    2,
  )}\n`
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

export { ByteWriter }
