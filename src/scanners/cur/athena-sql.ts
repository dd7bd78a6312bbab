/**
 * The pure half of the Athena path: the `athena://` location, the aggregation SQL, and one result row
 * back into a `CurGroup`. No AWS SDK here, so `--cur athena://…` is validated before anything loads.
 */
import { UsageError } from '../../errors.js'
import { BEDROCK_PRODUCT_CODES, MARKETPLACE_BEDROCK_SUFFIX, USAGE_LINE_ITEM_TYPES, utcDay } from '../../spend/cur-aggregate.js'
import type { CurGroup } from '../../spend/cur-model.js'
import { COL } from './columns.js'
import { timeOf } from './rows.js'
import { quoteIdent, sqlString } from './sql.js'
import type { SpendPeriod } from '../../model/spend.js'

export interface AthenaTarget {
  database: string
  table: string
  catalog?: string
  workgroup?: string
  /** `ResultConfiguration.OutputLocation`; unset: the workgroup's own. */
  output?: string
  /** Seconds to wait for the query (default 600). */
  timeoutSeconds?: number
}

const IDENT_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/
export const DEFAULT_ATHENA_TIMEOUT_S = 600
export const ATHENA_PAGE_SIZE = 1000

/** `athena://DB.TABLE?workgroup=W&output=s3://bucket/prefix/&timeout=600` (also `athena://CATALOG.DB.TABLE`). Throws `UsageError`. */
export function parseAthenaSpec(spec: string): AthenaTarget {
  const hint = 'e.g. --cur "athena://cur_db.cur_table?workgroup=primary&output=s3://my-athena-results/tagwarden/"'
  const m = /^athena:\/\/([^?]+)(?:\?(.*))?$/.exec(spec.trim())
  if (!m) throw new UsageError('bad-cur-athena', `--cur ${spec}: not an athena://DATABASE.TABLE location`, hint)
  const parts = m[1]!.split('.')
  if (parts.length < 2 || parts.length > 3 || !parts.every((p) => IDENT_RE.test(p))) {
    throw new UsageError('bad-cur-athena', `--cur ${spec}: \`${m[1]}\` is not DATABASE.TABLE (letters, digits, _ and -)`, hint)
  }
  const t: AthenaTarget = parts.length === 3 ? { catalog: parts[0]!, database: parts[1]!, table: parts[2]! } : { database: parts[0]!, table: parts[1]! }
  for (const [k, v] of new URLSearchParams(m[2] ?? '')) {
    if (k === 'workgroup') t.workgroup = v
    else if (k === 'output') {
      if (!/^s3:\/\/[^/]+/.test(v)) throw new UsageError('bad-cur-athena', `--cur ${spec}: output=${v} is not an s3:// location`, hint)
      t.output = v
    } else if (k === 'timeout') {
      const n = Number(v)
      if (!Number.isInteger(n) || n < 1) throw new UsageError('bad-cur-athena', `--cur ${spec}: timeout=${v} is not a number of seconds`, hint)
      t.timeoutSeconds = n
    } else throw new UsageError('bad-cur-athena', `--cur ${spec}: unknown parameter \`${k}\` (use workgroup, output, timeout)`, hint)
  }
  return t
}

const sqlTimestamp = (day: string): string => `TIMESTAMP ${sqlString(`${day} 00:00:00`)}`

/** First day of the month of `day` (`YYYY-MM-DD`). */
const monthOf = (day: string): string => `${day.slice(0, 7)}-01`

/**
 * The aggregation Athena runs: Bedrock usage line items of the period (cost clipped to it in proportion
 * to time, as the local reader does), grouped by account, principal, currency, each required key (and
 * another spelling of it when the exact key has no value), usage day and usage type — the ledger's grain.
 * `element_at` because a map subscript fails on a missing key in Athena. Only the billing periods that
 * overlap the period are read: CUR 2.0 names its billing period in `bill_billing_period_start_date`
 * (a timestamp; the legacy CUR's string `billing_period` does not exist in CUR 2.0), which is also how
 * Data Exports partitions the files (`BILLING_PERIOD=YYYY-MM`).
 */
export function curAggregateSql(t: Pick<AthenaTarget, 'database' | 'table' | 'catalog'>, tagKeys: readonly string[], period: SpendPeriod): string {
  const table = [t.catalog, t.database, t.table].filter((x): x is string => x !== undefined).map(quoteIdent).join('.')
  const S = sqlTimestamp(period.start)
  const E = sqlTimestamp(period.end)
  const start = COL.start
  const end = COL.end
  const tagCols = tagKeys.map((k, i) => `  element_at(${COL.tags}, ${sqlString(`iamPrincipal/${k}`)}) AS tag_${i + 1},`)
  // Another spelling of the key (`iamPrincipal/Team`), only when the exact key has no value: the first such key in sort order.
  const caseCols = tagKeys.map((k, i) => {
    const key = sqlString(`iamPrincipal/${k}`)
    const others = `map_filter(${COL.tags}, (k, v) -> lower(k) = lower(${key}) AND k <> ${key} AND trim(coalesce(v, '')) <> '')`
    return `  CASE WHEN trim(coalesce(element_at(${COL.tags}, ${key}), '')) = '' THEN element_at(${COL.tags}, element_at(array_sort(map_keys(${others})), 1)) END AS case_${i + 1},`
  })
  const n = tagKeys.length
  const groupBy = Array.from({ length: 3 + 2 * n + 2 }, (_, i) => String(i + 1)).join(', ')
  const lastDayExclusive = new Date(Date.parse(`${period.end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10)
  return [
    'SELECT',
    `  ${COL.account} AS account_id,`,
    `  coalesce(${COL.principal}, '') AS principal,`,
    `  coalesce(${COL.currency}, 'USD') AS currency,`,
    ...tagCols,
    ...caseCols,
    `  date_format(${start}, '%Y-%m-%d') AS usage_day,`,
    `  coalesce(${COL.usageType}, element_at(${COL.product}, 'product_name'), ${COL.productCode}, '') AS usage_type,`,
    '  count(*) AS line_items,',
    `  sum(CASE WHEN ${end} IS NULL OR ${end} <= ${start} THEN ${COL.cost}`,
    `      ELSE ${COL.cost} * CAST(date_diff('millisecond', greatest(${start}, ${S}), least(${end}, ${E})) AS double)`,
    `                       / CAST(date_diff('millisecond', ${start}, ${end}) AS double) END) AS cost,`,
    `  min(${start}) AS first_usage,`,
    `  max(${start}) AS last_usage`,
    `FROM ${table}`,
    `WHERE ${COL.billingPeriodStart} >= ${sqlTimestamp(monthOf(period.start))}`,
    `  AND ${COL.billingPeriodStart} <= ${sqlTimestamp(monthOf(lastDayExclusive))}`,
    `  AND ${COL.lineItemType} IN (${USAGE_LINE_ITEM_TYPES.map(sqlString).join(', ')})`,
    `  AND (${COL.productCode} IN (${BEDROCK_PRODUCT_CODES.map(sqlString).join(', ')})`,
    `       OR element_at(${COL.product}, 'product_name') LIKE ${sqlString(`%${MARKETPLACE_BEDROCK_SUFFIX}`)})`,
    `  AND ${start} < ${E}`,
    `  AND (${end} > ${S} OR ((${end} IS NULL OR ${end} <= ${start}) AND ${start} >= ${S}))`,
    `GROUP BY ${groupBy}`,
  ].join('\n')
}

/** One aggregated result row → a group for the accumulator. Undefined when the row is unusable. */
export function groupFromAthenaRow(row: Record<string, string | undefined>, tagKeys: readonly string[]): CurGroup | { error: string } {
  const accountId = row.account_id ?? ''
  const cost = Number(row.cost)
  const rows = Number(row.line_items ?? '0')
  if (!/^\d{12}$/.test(accountId)) return { error: `account_id ${JSON.stringify(row.account_id ?? null)} is not an account ID` }
  if (row.cost === undefined || !Number.isFinite(cost)) return { error: `cost ${JSON.stringify(row.cost ?? null)} is not a number` }
  const first = timeOf(row.first_usage)
  const last = timeOf(row.last_usage)
  return {
    accountId,
    principal: row.principal ?? '',
    currency: row.currency || 'USD',
    values: tagKeys.map((_, i) => row[`tag_${i + 1}`]),
    caseValues: tagKeys.map((_, i) => row[`case_${i + 1}`] || undefined),
    ...(row.usage_type ? { usageType: row.usage_type } : {}),
    cost,
    rows: Number.isFinite(rows) ? rows : 0,
    // The group's day (`usage_day`); an older result without it: its first usage day.
    ...(row.usage_day ? { first: row.usage_day } : first !== undefined ? { first: utcDay(first) } : {}),
    ...(last !== undefined ? { last: utcDay(last) } : {}),
  }
}
