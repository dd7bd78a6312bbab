/**
 * One CUR line item → the accumulator: Bedrock usage only, cost clipped to the period, the required
 * `iamPrincipal/<key>` values looked up. Shared by the Parquet and the CSV reader, which hand over the
 * raw column values (Parquet: strings, numbers, ms timestamps, MAP objects; CSV: strings, JSON text).
 *
 * Non-Bedrock rows are only counted: validating them would cost time and say nothing about Bedrock.
 */
import { clipCost, isBedrockProduct, isUsageLineItem, skipRow, utcDay, type CurSpendAccumulator } from '../../spend/cur-aggregate.js'
import type { CurReadStats } from '../../spend/cur-model.js'
import { PRODUCT_NAME_KEY } from './columns.js'

/** The raw values of one row; the readers reuse one object for every row. */
export interface RawRow {
  account: unknown
  principal: unknown
  productCode: unknown
  lineItemType: unknown
  cost: unknown
  currency: unknown
  start: unknown
  end: unknown
  tags: unknown
  product: unknown
  productName: unknown
  usageType: unknown
}

export function emptyRawRow(): RawRow {
  return { account: undefined, principal: undefined, productCode: undefined, lineItemType: undefined, cost: undefined, currency: undefined, start: undefined, end: undefined, tags: undefined, product: undefined, productName: undefined, usageType: undefined }
}

/** The span of time the rows covered, for the default period. */
export interface ObservedSpan {
  first?: number
  last?: number
}

export interface RowConsumerOptions {
  tagKeys: readonly string[]
  /** Clip to this period (ms, end exclusive); unset: no clipping, the span is recorded instead. */
  period?: { start: number; end: number }
  /** Rows before this instant are left out when no period is given (no IAM principal data yet). */
  notBefore?: number
  /** Called every 10,000 rows or so with the rows read so far (progress on a terminal). */
  onRows?: (rows: number) => void
}

/** Rows between two `onRows` calls. */
const ROWS_PER_REPORT = 10_000

const MARKETPLACE_HINT = 'Amazon Bedrock Edition'

function asString(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  return undefined
}

/** ms since epoch from a Parquet timestamp (ms number, Date, bigint) or a CSV text (`2026-08-01T00:00:00.000Z`, `2026-08-01 00:00:00`). */
export function timeOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.getTime()
  if (typeof v === 'bigint') return Number(v)
  if (typeof v !== 'string' || v === '') return undefined
  let s = v.trim()
  if (/^\d{4}-\d{2}-\d{2} \d/.test(s)) s = s.replace(' ', 'T')
  if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(s)) s += 'Z'
  const t = Date.parse(s)
  return Number.isNaN(t) ? undefined : t
}

function costOf(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : undefined
  }
  if (typeof v === 'bigint') return Number(v)
  return undefined
}

type MapLike = Record<string, unknown> | undefined

/** A MAP value: a plain object (hyparquet), a `Map`, a key/value entry list, or JSON text (CSV). Throws on bad JSON. */
export function mapOf(v: unknown): MapLike {
  if (v === null || v === undefined || v === '') return undefined
  if (typeof v === 'string') {
    const parsed: unknown = JSON.parse(v)
    if (parsed === null) return undefined
    if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object')
    return parsed as Record<string, unknown>
  }
  if (v instanceof Map) return Object.fromEntries(v) as Record<string, unknown>
  if (Array.isArray(v)) {
    const out: Record<string, unknown> = {}
    for (const e of v as Array<{ key?: unknown; value?: unknown }>) if (e && typeof e.key === 'string') out[e.key] = e.value
    return out
  }
  if (typeof v === 'object') return v as Record<string, unknown>
  throw new Error('not a map')
}

export class RowConsumer {
  readonly span: ObservedSpan = {}
  private readonly tagKeyNames: string[]
  private readonly values: Array<string | undefined>
  private readonly caseValues: Array<string | undefined>
  private readonly caseKeys: Array<string | undefined>
  private readonly lowerKeyNames: string[]
  private nextReport = ROWS_PER_REPORT

  constructor(
    private readonly acc: CurSpendAccumulator,
    private readonly stats: CurReadStats,
    private readonly opts: RowConsumerOptions,
  ) {
    this.tagKeyNames = opts.tagKeys.map((k) => `iamPrincipal/${k}`)
    this.values = opts.tagKeys.map(() => undefined)
    this.caseValues = opts.tagKeys.map(() => undefined)
    this.caseKeys = opts.tagKeys.map(() => undefined)
    this.lowerKeyNames = this.tagKeyNames.map((k) => k.toLowerCase())
  }

  private report(): void {
    this.nextReport = this.stats.rows + ROWS_PER_REPORT
    this.opts.onRows?.(this.stats.rows)
  }

  get tagKeys(): readonly string[] {
    return this.opts.tagKeys
  }

  get skippedRows(): number {
    return this.stats.skippedRows
  }

  /** One line item. */
  consume(r: RawRow, file: string, row: number): void {
    this.stats.rows++
    if (this.stats.rows >= this.nextReport) this.report()
    const account = asString(r.account) ?? ''
    this.acc.sawAccount(account)
    const productCode = asString(r.productCode)
    let productName = asString(r.productName)
    if (productName === undefined && !(productCode === 'AmazonBedrock' || productCode === 'AmazonBedrockService')) {
      // Only a Marketplace row can be Bedrock without a Bedrock product code: parse its product map only then.
      const product = r.product
      if (product !== undefined && product !== null && (typeof product !== 'string' || product.includes(MARKETPLACE_HINT))) {
        try {
          productName = asString(mapOf(product)?.[PRODUCT_NAME_KEY])
        } catch {
          return skipRow(this.stats, file, '`product` is not a JSON object', row)
        }
      }
    }
    if (!isBedrockProduct(productCode, productName)) return
    this.stats.bedrockRows++
    if (!isUsageLineItem(asString(r.lineItemType))) {
      this.stats.nonUsageRows++
      return
    }
    if (!/^\d{12}$/.test(account)) return skipRow(this.stats, file, `\`line_item_usage_account_id\` is ${account === '' ? 'empty' : `not an account ID (${JSON.stringify(account)})`}`, row)
    const cost = costOf(r.cost)
    if (cost === undefined) return skipRow(this.stats, file, `\`line_item_unblended_cost\` is not a number (${JSON.stringify(asString(r.cost) ?? null)})`, row)
    const start = timeOf(r.start)
    if (start === undefined) return skipRow(this.stats, file, `\`line_item_usage_start_date\` is not a timestamp (${JSON.stringify(asString(r.start) ?? null)})`, row)
    const endRaw = r.end
    const end = endRaw === undefined || endRaw === null || endRaw === '' ? start : timeOf(endRaw)
    if (end === undefined) return skipRow(this.stats, file, `\`line_item_usage_end_date\` is not a timestamp (${JSON.stringify(asString(endRaw) ?? null)})`, row)
    let tags: MapLike
    try {
      tags = mapOf(r.tags)
    } catch {
      return skipRow(this.stats, file, '`tags` is not a JSON object', row)
    }
    let clipped = cost
    if (this.opts.period) {
      clipped = clipCost(cost, start, end, this.opts.period)
      if (clipped === 0 && !(start >= this.opts.period.start && start < this.opts.period.end)) return
    } else {
      if (this.opts.notBefore !== undefined && start < this.opts.notBefore) return
      if (this.span.first === undefined || start < this.span.first) this.span.first = start
      const last = end > start ? end : start
      if (this.span.last === undefined || last > this.span.last) this.span.last = last
    }
    let anyMissing = false
    for (let i = 0; i < this.tagKeyNames.length; i++) {
      const v = asString(tags?.[this.tagKeyNames[i]!])
      this.values[i] = v
      this.caseValues[i] = undefined
      this.caseKeys[i] = undefined
      if (v === undefined || v.trim() === '') anyMissing = true
    }
    // Another spelling of a required key (`iamPrincipal/Team`): looked for only when an exact key has no value.
    if (anyMissing && tags) {
      for (const [k, raw] of Object.entries(tags)) {
        const i = this.lowerKeyNames.indexOf(k.toLowerCase())
        if (i < 0 || k === this.tagKeyNames[i]) continue
        const v = asString(raw)
        const exact = this.values[i]
        // Several other spellings: the first key in code-point order, as the Athena query picks it.
        if (v !== undefined && v.trim() !== '' && (exact === undefined || exact.trim() === '') && (this.caseKeys[i] === undefined || k < this.caseKeys[i]!)) {
          this.caseValues[i] = v
          this.caseKeys[i] = k
        }
      }
    }
    // Days by usage start, as Athena's min/max of it: the same on both paths.
    const day = utcDay(start)
    const usageType = asString(r.usageType) || productName || productCode || ''
    this.acc.add({ accountId: account, principal: asString(r.principal) ?? '', currency: asString(r.currency) || 'USD', values: this.values, caseValues: this.caseValues, usageType, cost: clipped, rows: 1, first: day, last: day })
  }
}
